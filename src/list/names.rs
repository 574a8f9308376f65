//! Column (and JSON field) names people give the fields of an export.

/// What a column carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Address,
    Chain,
    /// `;`-separated currency codes.
    Tickers,
    Entity,
    EntityId,
    /// `;`-separated sanctions programs (walletscreen list v1).
    Programs,
    /// Why the address is listed, a note, a comment: one value, kept in
    /// [`super::Entry::programs`].
    Note,
    Listed,
    Source,
}

/// `Wallet Address`, `wallet_address`, `WALLET-ADDRESS` all give
/// `walletaddress`: ASCII letters and digits only, lower-cased.
pub(super) fn fold(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The role of a column from its header name, if it is a recognised one.
pub(super) fn role(name: &str) -> Option<Role> {
    if name.len() > 64 {
        return None;
    }
    Some(match fold(name).as_str() {
        "address"
        | "addresses"
        | "addr"
        | "wallet"
        | "wallets"
        | "walletaddress"
        | "walletaddr"
        | "walletid"
        | "cryptoaddress"
        | "cryptowallet"
        | "cryptowalletaddress"
        | "digitalcurrencyaddress"
        | "blockchainaddress"
        | "publicaddress"
        | "publickey"
        | "pubkey"
        | "account"
        | "accountaddress"
        | "depositaddress"
        | "destinationaddress"
        | "receivingaddress"
        | "btcaddress"
        | "ethaddress"
        | "tronaddress" => Role::Address,
        "chain" | "network" | "blockchain" | "chainname" | "networkname" | "protocol" => {
            Role::Chain
        }
        "tickers" | "ticker" | "currency" | "currencies" | "asset" | "assets" | "coin"
        | "coins" | "token" | "symbol" => Role::Tickers,
        "entity" | "name" | "owner" | "entityname" | "ownername" | "holder" | "label"
        | "person" | "organization" | "organisation" | "customer" | "customername"
        | "counterparty" | "accountname" => Role::Entity,
        "entityid" | "id" | "uid" | "customerid" | "ownerid" | "reference" | "ref" | "caseid"
        | "caseref" => Role::EntityId,
        "programs" | "program" => Role::Programs,
        "reason" | "reasons" | "note" | "notes" | "comment" | "comments" | "description"
        | "remark" | "remarks" | "tag" | "tags" | "category" | "riskcategory" => Role::Note,
        "listed" | "date" | "added" | "dateadded" | "addeddate" | "addedon" | "datelisted"
        | "listeddate" | "listedon" | "created" | "createdat" | "createdon" | "since"
        | "firstseen" => Role::Listed,
        "source" | "url" | "link" | "sourceurl" | "evidence" | "evidenceurl" => Role::Source,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for (name, want) in [
            ("address", Some(Role::Address)),
            ("Wallet Address", Some(Role::Address)),
            ("wallet_address", Some(Role::Address)),
            (" WALLET ", Some(Role::Address)),
            ("addr", Some(Role::Address)),
            ("public_key", Some(Role::Address)),
            ("Owner", Some(Role::Entity)),
            ("Reason", Some(Role::Note)),
            ("date added", Some(Role::Listed)),
            ("URL", Some(Role::Source)),
            ("network", Some(Role::Chain)),
            ("Currency", Some(Role::Tickers)),
            ("amount", None),
            ("", None),
        ] {
            assert_eq!(role(name), want, "{name:?}");
        }
    }
}
