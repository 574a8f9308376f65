import pytest

import walletscreen

# Listed by OFAC (Lazarus Group) and, in another spelling, the FBI.
LAZARUS = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"
# Hydra Market (OFAC, base58).
HYDRA = "123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX"
# A CashAddr listed by OFAC (SOUTHFRONT).
SOUTHFRONT = "qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq"
# The genesis block's address: well-formed, not listed.
GENESIS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"


@pytest.fixture(scope="session")
def screener() -> walletscreen.Screener:
    return walletscreen.Screener.bundled()
