//! `Edm.Duration`: an ISO 8601 duration.

use crate::text::{impl_text_type, Cursor};
use crate::Error;

const DURATION: &str = "a duration (Edm.Duration) such as P1DT2H or PT0.5S";

/// An `Edm.Duration`: an ISO 8601 duration such as `P1DT2H`, `PT0.5S` or `-P1D`.
///
/// Read: an optional sign, `P`, then any of `nY nM nW nD` in that order, then optionally `T`
/// and any of `nH nM n[.f]S` in that order (at least one part, a fraction only on seconds).
/// The text read is kept and written back unchanged; equality compares that text (`PT60S` and
/// `PT1M` are different values: compare [`to_std`](Self::to_std) for the length).
///
/// ```
/// use graph_rt_core::Duration;
/// let d = Duration::parse("P1DT2H30M0.5S")?;
/// assert_eq!((d.days(), d.hours(), d.minutes(), d.seconds()), (1, 2, 30, 0));
/// assert_eq!(d.nanoseconds(), 500_000_000);
/// assert_eq!(d.to_std(), Some(std::time::Duration::new(95_400, 500_000_000)));
/// assert!(Duration::parse("-P1D")?.is_negative());
/// assert_eq!(Duration::from_std(std::time::Duration::from_secs(90)).as_str(), "PT1M30S");
/// # Ok::<(), graph_rt_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Duration {
    text: String,
    negative: bool,
    /// Years, months, weeks, days, hours, minutes, seconds.
    parts: [u64; 7],
    nanos: u32,
}

const YEARS: usize = 0;
const MONTHS: usize = 1;
const WEEKS: usize = 2;
const DAYS: usize = 3;
const HOURS: usize = 4;
const MINUTES: usize = 5;
const SECONDS: usize = 6;

/// `(sign, parts, nanos)` of the whole text.
fn read_duration(text: &str) -> Option<(bool, [u64; 7], u32)> {
    let mut c = Cursor::new(text);
    let negative = c.eat_any(b"+-") == Some(b'-');
    c.eat(b'P').then_some(())?;
    let mut parts = [0_u64; 7];
    let mut nanos = 0;
    let mut any = false;
    // The next part allowed: parts come in order, each at most once.
    let mut next = YEARS;
    while !c.is_done() && c.peek() != Some(b'T') {
        let n = c.number()?;
        let index = match c.eat_any(b"YMWD")? {
            b'Y' => YEARS,
            b'M' => MONTHS,
            b'W' => WEEKS,
            _ => DAYS,
        };
        if index < next {
            return None;
        }
        parts[index] = n;
        next = index + 1;
        any = true;
    }
    if c.eat(b'T') {
        let mut any_time = false;
        next = HOURS;
        while !c.is_done() {
            let n = c.number()?;
            let fraction = if c.eat(b'.') { Some(c.nanos()?) } else { None };
            let index = match c.eat_any(b"HMS")? {
                b'H' => HOURS,
                b'M' => MINUTES,
                _ => SECONDS,
            };
            if index < next || (fraction.is_some() && index != SECONDS) {
                return None;
            }
            parts[index] = n;
            nanos = fraction.unwrap_or(0);
            next = index + 1;
            any_time = true;
        }
        any_time.then_some(())?;
        any = true;
    }
    any.then_some((negative, parts, nanos))
}

impl Duration {
    /// Parses and validates a duration, keeping `text` as it is.
    pub fn parse(text: &str) -> Result<Self, Error> {
        Self::from_string(text.to_owned())
    }

    fn from_string(text: String) -> Result<Self, Error> {
        match read_duration(&text) {
            Some((negative, parts, nanos)) => Ok(Self {
                text,
                negative,
                parts,
                nanos,
            }),
            None => Err(Error::invalid_text(DURATION, &text)),
        }
    }

    /// The duration of a `std::time::Duration`, written as `P[nD]T[nH][nM][n[.f]S]` with the
    /// parts that are not zero (`PT0S` for zero).
    pub fn from_std(duration: std::time::Duration) -> Self {
        let total = duration.as_secs();
        let nanos = duration.subsec_nanos();
        let parts = [
            0,
            0,
            0,
            total / 86_400,
            total / 3600 % 24,
            total / 60 % 60,
            total % 60,
        ];
        let mut text = String::from("P");
        if parts[DAYS] != 0 {
            text.push_str(&format!("{}D", parts[DAYS]));
        }
        let has_time =
            parts[HOURS] != 0 || parts[MINUTES] != 0 || parts[SECONDS] != 0 || nanos != 0;
        if has_time || parts[DAYS] == 0 {
            text.push('T');
            if parts[HOURS] != 0 {
                text.push_str(&format!("{}H", parts[HOURS]));
            }
            if parts[MINUTES] != 0 {
                text.push_str(&format!("{}M", parts[MINUTES]));
            }
            if parts[SECONDS] != 0 || nanos != 0 || !has_time {
                text.push_str(&parts[SECONDS].to_string());
                if nanos != 0 {
                    let digits = format!("{nanos:09}");
                    text.push('.');
                    text.push_str(digits.trim_end_matches('0'));
                }
                text.push('S');
            }
        }
        Self {
            text,
            negative: false,
            parts,
            nanos,
        }
    }

    /// The length as a `std::time::Duration`, counting a week as 7 days and a day as 24 hours;
    /// `None` for a negative duration, one with years or months (they have no fixed length), or
    /// one too long.
    pub fn to_std(&self) -> Option<std::time::Duration> {
        if self.negative || self.parts[YEARS] != 0 || self.parts[MONTHS] != 0 {
            return None;
        }
        let days = self.parts[WEEKS]
            .checked_mul(7)?
            .checked_add(self.parts[DAYS])?;
        let seconds = days
            .checked_mul(86_400)?
            .checked_add(self.parts[HOURS].checked_mul(3600)?)?
            .checked_add(self.parts[MINUTES].checked_mul(60)?)?
            .checked_add(self.parts[SECONDS])?;
        Some(std::time::Duration::new(seconds, self.nanos))
    }

    /// The text, exactly as read.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the text starts with `-`.
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// The `nY` part (0 when absent).
    pub fn years(&self) -> u64 {
        self.parts[YEARS]
    }

    /// The `nM` part before `T` (0 when absent).
    pub fn months(&self) -> u64 {
        self.parts[MONTHS]
    }

    /// The `nW` part (0 when absent).
    pub fn weeks(&self) -> u64 {
        self.parts[WEEKS]
    }

    /// The `nD` part (0 when absent).
    pub fn days(&self) -> u64 {
        self.parts[DAYS]
    }

    /// The `nH` part (0 when absent).
    pub fn hours(&self) -> u64 {
        self.parts[HOURS]
    }

    /// The `nM` part after `T` (0 when absent).
    pub fn minutes(&self) -> u64 {
        self.parts[MINUTES]
    }

    /// The whole seconds of the `n[.f]S` part (0 when absent).
    pub fn seconds(&self) -> u64 {
        self.parts[SECONDS]
    }

    /// The fraction of the `n[.f]S` part in nanoseconds (digits past the ninth are dropped).
    pub fn nanoseconds(&self) -> u32 {
        self.nanos
    }
}

impl_text_type!(Duration, DURATION);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{FromJson, ToJson};
    use serde_json::json;

    fn parts(text: &str) -> (bool, [u64; 7], u32) {
        let d = Duration::parse(text).unwrap();
        (
            d.is_negative(),
            [
                d.years(),
                d.months(),
                d.weeks(),
                d.days(),
                d.hours(),
                d.minutes(),
                d.seconds(),
            ],
            d.nanoseconds(),
        )
    }

    #[test]
    fn accepted() {
        assert_eq!(parts("P1DT2H"), (false, [0, 0, 0, 1, 2, 0, 0], 0));
        assert_eq!(parts("PT0.5S"), (false, [0, 0, 0, 0, 0, 0, 0], 500_000_000));
        assert_eq!(parts("-P1D"), (true, [0, 0, 0, 1, 0, 0, 0], 0));
        assert_eq!(parts("+PT1M"), (false, [0, 0, 0, 0, 0, 1, 0], 0));
        assert_eq!(
            parts("P1Y2M3W4DT5H6M7.0000001S"),
            (false, [1, 2, 3, 4, 5, 6, 7], 100)
        );
        assert_eq!(parts("P2M"), (false, [0, 2, 0, 0, 0, 0, 0], 0));
        assert_eq!(parts("PT2M"), (false, [0, 0, 0, 0, 0, 2, 0], 0));
        assert_eq!(parts("PT36H"), (false, [0, 0, 0, 0, 36, 0, 0], 0));
        assert_eq!(parts("P0D"), (false, [0; 7], 0));
    }

    #[test]
    fn rejected() {
        for bad in [
            "",
            "P",
            "PT",
            "-",
            "P1",
            "1D",
            "PT1D",
            "P1H",
            "P1DT",
            "P1D1Y",
            "PT1S1M",
            "P1D1D",
            "PT0.5M",
            "PT.5S",
            "PT1.S",
            "P1.5D",
            "p1d",
            "P-1D",
            "P 1D",
            "PT1S ",
            "P99999999999999999999D",
        ] {
            let e = Duration::parse(bad).unwrap_err();
            assert_eq!(e.expected(), Some(DURATION), "{bad}");
        }
    }

    #[test]
    fn text_is_kept_and_std_conversion() {
        for text in ["PT60S", "PT1M", "P1W", "-PT0.500S"] {
            let d = Duration::from_json(json!(text)).unwrap();
            assert_eq!(d.to_json().unwrap(), json!(text));
            assert_eq!(d.to_string(), text);
        }
        assert_eq!(
            Duration::parse("P1W").unwrap().to_std(),
            Some(std::time::Duration::from_secs(7 * 86_400))
        );
        assert_eq!(Duration::parse("-PT1S").unwrap().to_std(), None);
        assert_eq!(Duration::parse("P1M").unwrap().to_std(), None);
        assert_eq!(Duration::parse("P1Y").unwrap().to_std(), None);
        assert_eq!(
            Duration::parse("P18446744073709551615D").unwrap().to_std(),
            None
        );
        assert_ne!(
            Duration::parse("PT60S").unwrap(),
            Duration::parse("PT1M").unwrap()
        );
    }

    #[test]
    fn from_std() {
        let cases: [(u64, u32, &str); 6] = [
            (0, 0, "PT0S"),
            (0, 500_000_000, "PT0.5S"),
            (86_400, 0, "P1D"),
            (86_400 + 7200, 0, "P1DT2H"),
            (93_784, 5, "P1DT2H3M4.000000005S"),
            (3600, 0, "PT1H"),
        ];
        for (seconds, nanos, text) in cases {
            let std = std::time::Duration::new(seconds, nanos);
            let d = Duration::from_std(std);
            assert_eq!(d.as_str(), text);
            assert_eq!(d, Duration::parse(text).unwrap());
            assert_eq!(d.to_std(), Some(std));
        }
    }
}
