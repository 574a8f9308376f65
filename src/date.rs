//! A calendar date (`YYYY-MM-DD`, proleptic Gregorian, UTC), for screening
//! as of a date ([`crate::Screener::check_at`]) and the listing history
//! ([`crate::history`]).
//!
//! Small on purpose: the library needs to parse, compare and print dates,
//! and to take the UTC date of an RFC 3339 timestamp; a date crate would
//! bring time zones and formatting it does not use.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// A valid calendar date between 0001-01-01 and 9999-12-31.
///
/// Ordered chronologically; printed and parsed as `YYYY-MM-DD`.
///
/// # Examples
///
/// ```
/// use walletscreen::Date;
/// let d: Date = "2025-03-21".parse()?;
/// assert_eq!(d.to_string(), "2025-03-21");
/// assert!(d > Date::new(2025, 3, 4).unwrap());
/// assert!("2025-02-29".parse::<Date>().is_err()); // not a leap year
/// // An RFC 3339 timestamp gives its UTC date:
/// assert_eq!(Date::from_timestamp("2025-03-21T01:30:00+02:00")?.to_string(), "2025-03-20");
/// # Ok::<(), walletscreen::DateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // Field order makes the derived order chronological.
    year: u16,
    month: u8,
    day: u8,
}

/// Why a string is not a date or a timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not of the shape `YYYY-MM-DD` (or, for a timestamp,
    /// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`).
    #[error("{0:?} is not a YYYY-MM-DD date or an RFC 3339 timestamp")]
    Shape(String),
    /// The shape is right, but there is no such day (month 13, 31 April,
    /// 29 February of a common year, year 0) or time (hour 24).
    #[error("{0:?} is no such date or time")]
    OutOfRange(String),
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

/// `n` ASCII digits at the start of `b`, as a number.
fn digits(b: &[u8], n: usize) -> Option<u32> {
    let d = b.get(..n)?;
    d.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

impl Date {
    /// The date `year-month-day`, if there is such a day (years 1 to 9999).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        ((1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(Date { year, month, day })
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1 to 31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Parses a `YYYY-MM-DD` date (exactly ten bytes; no surrounding
    /// space).
    pub fn parse(s: &str) -> Result<Date, DateError> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(DateError::Shape(s.to_owned()));
        }
        let (Some(y), Some(m), Some(d)) = (digits(b, 4), digits(&b[5..], 2), digits(&b[8..], 2))
        else {
            return Err(DateError::Shape(s.to_owned()));
        };
        // Four and two digits: the casts cannot truncate.
        Date::new(y as u16, m as u8, d as u8).ok_or_else(|| DateError::OutOfRange(s.to_owned()))
    }

    /// The UTC date of an RFC 3339 timestamp
    /// (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`; `t`/`z` and a space for the
    /// `T` are accepted, as RFC 3339 allows). A leap second (`:60`) is
    /// accepted; the offset is applied, so `2025-03-21T01:30:00+02:00` is
    /// on 2025-03-20.
    pub fn from_timestamp(s: &str) -> Result<Date, DateError> {
        let shape = || DateError::Shape(s.to_owned());
        let range = || DateError::OutOfRange(s.to_owned());
        let b = s.as_bytes();
        if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') {
            return Err(shape());
        }
        let date = Date::parse(s.get(..10).ok_or_else(shape)?)?;
        let t = &b[11..];
        if t[2] != b':' || t[5] != b':' {
            return Err(shape());
        }
        let (Some(h), Some(mi), Some(sec)) = (digits(t, 2), digits(&t[3..], 2), digits(&t[6..], 2))
        else {
            return Err(shape());
        };
        if h > 23 || mi > 59 || sec > 60 {
            return Err(range());
        }
        let mut rest = &t[8..];
        if let Some(frac) = rest.strip_prefix(b".") {
            let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return Err(shape());
            }
            rest = &frac[n..];
        }
        let offset_minutes: i64 = match rest {
            b"Z" | b"z" => 0,
            [sign @ (b'+' | b'-'), oh1, oh2, b':', om1, om2] => {
                let (Some(oh), Some(om)) = (digits(&[*oh1, *oh2], 2), digits(&[*om1, *om2], 2))
                else {
                    return Err(shape());
                };
                if oh > 23 || om > 59 {
                    return Err(range());
                }
                let m = i64::from(oh * 60 + om);
                if *sign == b'-' { -m } else { m }
            }
            _ => return Err(shape()),
        };
        // Local minutes of the day minus the offset: the UTC day moves by
        // at most one.
        let utc_minutes = i64::from(h * 60 + mi) - offset_minutes;
        let shift = utc_minutes.div_euclid(24 * 60);
        Date::from_days(date.days() + shift).ok_or_else(range)
    }

    /// A date, or the UTC date of an RFC 3339 timestamp: what the batch
    /// binary accepts in a date column. Surrounding whitespace is ignored.
    pub fn parse_date_or_timestamp(s: &str) -> Result<Date, DateError> {
        let s = s.trim();
        if s.len() == 10 {
            Date::parse(s)
        } else {
            Date::from_timestamp(s)
        }
    }

    /// Today's date in UTC, from the system clock.
    pub fn today_utc() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_unix_seconds(secs)
    }

    /// The UTC date of a Unix time (seconds since 1970-01-01T00:00:00Z);
    /// saturates at 9999-12-31.
    pub fn from_unix_seconds(secs: u64) -> Date {
        let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX);
        Date::from_days(days).unwrap_or(Date {
            year: 9999,
            month: 12,
            day: 31,
        })
    }

    /// Days since 1970-01-01 (negative before), after Howard Hinnant's
    /// `days_from_civil`.
    pub fn days(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01, if it is within years 1 to 9999.
    pub fn from_days(days: i64) -> Option<Date> {
        // Hinnant's `civil_from_days`.
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(
            u16::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
    }

    /// The day after, if any.
    pub fn next_day(self) -> Option<Date> {
        Date::from_days(self.days() + 1)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Date, DateError> {
        Date::parse(s)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_or_are_refused_by_name() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("plain", "2025-03-21", Some("2025-03-21")),
            ("leap day of a leap year", "2024-02-29", Some("2024-02-29")),
            ("leap day of 2000", "2000-02-29", Some("2000-02-29")),
            ("no leap day in 1900", "1900-02-29", None),
            ("no leap day in 2025", "2025-02-29", None),
            ("31 April", "2025-04-31", None),
            ("month 13", "2025-13-01", None),
            ("month 0", "2025-00-10", None),
            ("day 0", "2025-01-00", None),
            ("year 0", "0000-01-01", None),
            ("first", "0001-01-01", Some("0001-01-01")),
            ("last", "9999-12-31", Some("9999-12-31")),
            ("slashes", "2025/03/21", None),
            ("short", "2025-3-21", None),
            ("space", " 2025-03-21", None),
            ("sign", "+025-03-21", None),
            ("non-ASCII digit", "2025-03-2\u{0661}", None),
            ("empty", "", None),
        ];
        for (name, input, want) in cases {
            let got = Date::parse(input).ok().map(|d| d.to_string());
            assert_eq!(got.as_deref(), *want, "{name}: {input:?}");
        }
    }

    #[test]
    fn timestamps_give_their_utc_date() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("Z", "2025-03-21T10:00:00Z", Some("2025-03-21")),
            ("lower case", "2025-03-21t10:00:00z", Some("2025-03-21")),
            ("space", "2025-03-21 10:00:00Z", Some("2025-03-21")),
            (
                "fraction",
                "2025-03-21T23:59:59.999999Z",
                Some("2025-03-21"),
            ),
            (
                "east, previous UTC day",
                "2025-03-21T01:30:00+02:00",
                Some("2025-03-20"),
            ),
            (
                "west, next UTC day",
                "2025-03-21T23:30:00-05:00",
                Some("2025-03-22"),
            ),
            (
                "over a year end",
                "2024-12-31T22:00:00-03:00",
                Some("2025-01-01"),
            ),
            ("leap second", "2016-12-31T23:59:60Z", Some("2016-12-31")),
            ("no offset", "2025-03-21T10:00:00", None),
            ("hour 24", "2025-03-21T24:00:00Z", None),
            ("bad offset", "2025-03-21T10:00:00+2:00", None),
            ("empty fraction", "2025-03-21T10:00:00.Z", None),
            ("bad date", "2025-02-30T10:00:00Z", None),
            ("trailing", "2025-03-21T10:00:00Zx", None),
            ("before year 1", "0001-01-01T00:00:00+01:00", None),
        ];
        for (name, input, want) in cases {
            let got = Date::from_timestamp(input).ok().map(|d| d.to_string());
            assert_eq!(got.as_deref(), *want, "{name}: {input:?}");
        }
    }

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(Date::new(1970, 1, 1).unwrap().days(), 0);
        assert_eq!(Date::new(2000, 3, 1).unwrap().days(), 11_017);
        for days in (-719_162..2_932_896).step_by(997) {
            let d = Date::from_days(days).unwrap();
            assert_eq!(d.days(), days);
            assert_eq!(Date::parse(&d.to_string()), Ok(d));
        }
        assert_eq!(Date::from_days(-719_163), None);
        assert_eq!(Date::from_days(2_932_897), None);
    }
}
