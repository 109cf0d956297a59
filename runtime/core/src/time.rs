//! `Edm.DateTimeOffset`, `Edm.Date` and `Edm.TimeOfDay`: validated on read, written back with
//! the exact text that was read.

use crate::text::{impl_text_type, Cursor};
use crate::Error;

const DATE_TIME: &str =
    "a date-time (Edm.DateTimeOffset) such as 2017-01-01T00:02:14.9489247-08:00";
const DATE: &str = "a date (Edm.Date) such as 2017-01-01";
const TIME_OF_DAY: &str = "a time of day (Edm.TimeOfDay) such as 13:30:00";

const NANOS_PER_SECOND: u32 = 1_000_000_000;
const SECONDS_PER_DAY: i64 = 86_400;

/// An `Edm.DateTimeOffset`: an ISO 8601 / RFC 3339 date-time such as
/// `2017-01-01T00:02:14.9489247-08:00`.
///
/// Read leniently: the seconds and the fraction are optional, the fraction may have any number
/// of digits (Graph sends seven), and the offset (`Z` or `±hh:mm`) may be missing, which
/// [`offset_minutes`](Self::offset_minutes) reports as `None`. The text read is kept and written
/// back unchanged, so a round trip is byte-exact. Equality compares that text: two instants
/// written with different offsets are different values (compare
/// [`unix_timestamp`](Self::unix_timestamp) for the instant).
///
/// ```
/// use graph_rt_core::DateTimeOffset;
/// let t = DateTimeOffset::parse("2017-01-01T00:02:14.9489247-08:00")?;
/// assert_eq!((t.year(), t.month(), t.day()), (2017, 1, 1));
/// assert_eq!((t.hour(), t.minute(), t.second()), (0, 2, 14));
/// assert_eq!(t.nanosecond(), 948_924_700);
/// assert_eq!(t.offset_minutes(), Some(-480));
/// assert_eq!(t.to_string(), "2017-01-01T00:02:14.9489247-08:00");
/// assert_eq!(DateTimeOffset::from_unix_timestamp(0, 0)?.as_str(), "1970-01-01T00:00:00Z");
/// # Ok::<(), graph_rt_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DateTimeOffset {
    text: String,
    date: Ymd,
    time: Hms,
    /// Minutes east of UTC.
    offset: Option<i16>,
}

/// An `Edm.Date`: `yyyy-mm-dd`, such as `2017-01-01`.
///
/// Ordered by date.
///
/// ```
/// let d: graph_rt_core::Date = "2016-02-29".parse()?;
/// assert_eq!((d.year(), d.month(), d.day()), (2016, 2, 29));
/// assert!(graph_rt_core::Date::parse("2017-02-29").is_err());
/// # Ok::<(), graph_rt_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    date: Ymd,
    text: String,
}

/// An `Edm.TimeOfDay`: `hh:mm[:ss[.fffffff]]`, such as `13:30:00`. The text read is kept and
/// written back unchanged.
///
/// Ordered by time, then by text (`13:30` before `13:30:00`).
///
/// ```
/// let t = graph_rt_core::TimeOfDay::parse("13:30:05.5")?;
/// assert_eq!((t.hour(), t.minute(), t.second(), t.nanosecond()), (13, 30, 5, 500_000_000));
/// # Ok::<(), graph_rt_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeOfDay {
    time: Hms,
    text: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Ymd {
    year: u16,
    month: u8,
    day: u8,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Hms {
    hour: u8,
    minute: u8,
    second: u8,
    nanos: u32,
}

// ---------------------------------------------------------------------------------------------
// Parsing.

fn is_leap_year(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `yyyy-mm-dd`.
fn read_date(c: &mut Cursor<'_>) -> Option<Ymd> {
    let year = c.fixed(4)?;
    c.eat(b'-').then_some(())?;
    let month = c.fixed(2)?;
    c.eat(b'-').then_some(())?;
    let day = c.fixed(2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    Some(Ymd {
        year: u16::try_from(year).ok()?,
        month: u8::try_from(month).ok()?,
        day: u8::try_from(day).ok()?,
    })
}

/// `hh:mm[:ss[.f+]]`.
fn read_time(c: &mut Cursor<'_>) -> Option<Hms> {
    let hour = c.fixed(2)?;
    c.eat(b':').then_some(())?;
    let minute = c.fixed(2)?;
    let (second, nanos) = if c.eat(b':') {
        let second = c.fixed(2)?;
        let nanos = if c.eat(b'.') { c.nanos()? } else { 0 };
        (second, nanos)
    } else {
        (0, 0)
    };
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Some(Hms {
        hour: u8::try_from(hour).ok()?,
        minute: u8::try_from(minute).ok()?,
        second: u8::try_from(second).ok()?,
        nanos,
    })
}

/// `Z`, `±hh:mm`, `±hhmm`, `±hh`, or nothing (`Some(None)`).
fn read_offset(c: &mut Cursor<'_>) -> Option<Option<i16>> {
    if c.eat_any(b"Zz").is_some() {
        return Some(Some(0));
    }
    let Some(sign) = c.eat_any(b"+-") else {
        return Some(None);
    };
    let hours = c.fixed(2)?;
    let minutes = if c.eat(b':') {
        c.fixed(2)?
    } else if c.is_done() {
        0
    } else {
        c.fixed(2)?
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    let total = i16::try_from(hours * 60 + minutes).ok()?;
    Some(Some(if sign == b'-' { -total } else { total }))
}

/// `yyyy-mm-ddThh:mm[:ss[.f+]][offset]`, the whole text.
fn read_date_time(text: &str) -> Option<(Ymd, Hms, Option<i16>)> {
    let mut c = Cursor::new(text);
    let date = read_date(&mut c)?;
    c.eat_any(b"Tt")?;
    let time = read_time(&mut c)?;
    let offset = read_offset(&mut c)?;
    c.is_done().then_some((date, time, offset))
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The civil date of a count of days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Both in range by construction (1..=31, 1..=12).
    (year, month as u32, day as u32)
}

/// Appends `.fffffffff` without trailing zeros, or nothing for 0.
fn push_fraction(out: &mut String, nanos: u32) {
    if nanos != 0 {
        let digits = format!("{nanos:09}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

// ---------------------------------------------------------------------------------------------
// DateTimeOffset.

impl DateTimeOffset {
    /// Parses and validates a date-time, keeping `text` as it is.
    pub fn parse(text: &str) -> Result<Self, Error> {
        Self::from_string(text.to_owned())
    }

    fn from_string(text: String) -> Result<Self, Error> {
        let parsed = read_date_time(&text);
        match parsed {
            Some((date, time, offset)) => Ok(Self {
                text,
                date,
                time,
                offset,
            }),
            None => Err(Error::invalid_text(DATE_TIME, &text)),
        }
    }

    /// The UTC date-time `seconds` (plus `nanosecond`) after 1970-01-01T00:00:00Z, written as
    /// `yyyy-mm-ddThh:mm:ss[.f]Z`. Fails outside the years 0000 to 9999 or for a
    /// `nanosecond` of a second or more.
    pub fn from_unix_timestamp(seconds: i64, nanosecond: u32) -> Result<Self, Error> {
        let out_of_range = || {
            Error::custom(format!(
                "unix timestamp {seconds}.{nanosecond:09} is out of the range of Edm.DateTimeOffset"
            ))
        };
        if nanosecond >= NANOS_PER_SECOND {
            return Err(out_of_range());
        }
        let days = seconds.div_euclid(SECONDS_PER_DAY);
        let second_of_day = seconds.rem_euclid(SECONDS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        if !(0..=9999).contains(&year) {
            return Err(out_of_range());
        }
        let mut text = format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60
        );
        push_fraction(&mut text, nanosecond);
        text.push('Z');
        Self::from_string(text)
    }

    /// Seconds since 1970-01-01T00:00:00Z (the fraction is in
    /// [`nanosecond`](Self::nanosecond)); `None` when the text has no offset.
    pub fn unix_timestamp(&self) -> Option<i64> {
        let offset = i64::from(self.offset?);
        let days = days_from_civil(
            i64::from(self.date.year),
            u32::from(self.date.month),
            u32::from(self.date.day),
        );
        let local = days * SECONDS_PER_DAY
            + i64::from(self.time.hour) * 3600
            + i64::from(self.time.minute) * 60
            + i64::from(self.time.second);
        Some(local - offset * 60)
    }

    /// The text, exactly as read.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The year, 0 to 9999.
    pub fn year(&self) -> i32 {
        i32::from(self.date.year)
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u32 {
        u32::from(self.date.month)
    }

    /// The day of the month, 1 to 31.
    pub fn day(&self) -> u32 {
        u32::from(self.date.day)
    }

    /// The hour, 0 to 23 (local to the offset).
    pub fn hour(&self) -> u32 {
        u32::from(self.time.hour)
    }

    /// The minute, 0 to 59.
    pub fn minute(&self) -> u32 {
        u32::from(self.time.minute)
    }

    /// The second, 0 to 59 (0 when the text has no seconds).
    pub fn second(&self) -> u32 {
        u32::from(self.time.second)
    }

    /// The fraction of the second in nanoseconds (digits past the ninth are dropped).
    pub fn nanosecond(&self) -> u32 {
        self.time.nanos
    }

    /// The offset from UTC in minutes (`Z` is 0, `-08:00` is -480); `None` when the text has no
    /// offset.
    pub fn offset_minutes(&self) -> Option<i32> {
        self.offset.map(i32::from)
    }

    /// The date part.
    pub fn date(&self) -> Date {
        let Ymd { year, month, day } = self.date;
        Date {
            date: self.date,
            text: format!("{year:04}-{month:02}-{day:02}"),
        }
    }
}

impl_text_type!(DateTimeOffset, DATE_TIME);

// ---------------------------------------------------------------------------------------------
// Date.

impl Date {
    /// Parses and validates a date `yyyy-mm-dd`.
    pub fn parse(text: &str) -> Result<Self, Error> {
        Self::from_string(text.to_owned())
    }

    fn from_string(text: String) -> Result<Self, Error> {
        let mut c = Cursor::new(&text);
        match read_date(&mut c).filter(|_| c.is_done()) {
            Some(date) => Ok(Self { date, text }),
            None => Err(Error::invalid_text(DATE, &text)),
        }
    }

    /// The date of `year`, `month` and `day`; fails for a year outside 0 to 9999 or a day that
    /// does not exist.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Result<Self, Error> {
        if !(0..=9999).contains(&year) || month > 99 || day > 99 {
            return Err(Error::custom(format!(
                "{year}-{month}-{day} is not a valid Edm.Date"
            )));
        }
        Self::from_string(format!("{year:04}-{month:02}-{day:02}"))
    }

    /// The text, `yyyy-mm-dd`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The year, 0 to 9999.
    pub fn year(&self) -> i32 {
        i32::from(self.date.year)
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u32 {
        u32::from(self.date.month)
    }

    /// The day of the month, 1 to 31.
    pub fn day(&self) -> u32 {
        u32::from(self.date.day)
    }
}

impl_text_type!(Date, DATE);

// ---------------------------------------------------------------------------------------------
// TimeOfDay.

impl TimeOfDay {
    /// Parses and validates a time of day `hh:mm[:ss[.f]]`, keeping `text` as it is.
    pub fn parse(text: &str) -> Result<Self, Error> {
        Self::from_string(text.to_owned())
    }

    fn from_string(text: String) -> Result<Self, Error> {
        let mut c = Cursor::new(&text);
        match read_time(&mut c).filter(|_| c.is_done()) {
            Some(time) => Ok(Self { time, text }),
            None => Err(Error::invalid_text(TIME_OF_DAY, &text)),
        }
    }

    /// The time `hh:mm:ss[.f]`; fails for a part out of range.
    pub fn from_hms_nano(
        hour: u32,
        minute: u32,
        second: u32,
        nanosecond: u32,
    ) -> Result<Self, Error> {
        if hour > 23 || minute > 59 || second > 59 || nanosecond >= NANOS_PER_SECOND {
            return Err(Error::custom(format!(
                "{hour}:{minute}:{second}.{nanosecond:09} is not a valid Edm.TimeOfDay"
            )));
        }
        let mut text = format!("{hour:02}:{minute:02}:{second:02}");
        push_fraction(&mut text, nanosecond);
        Self::from_string(text)
    }

    /// The text, exactly as read.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The hour, 0 to 23.
    pub fn hour(&self) -> u32 {
        u32::from(self.time.hour)
    }

    /// The minute, 0 to 59.
    pub fn minute(&self) -> u32 {
        u32::from(self.time.minute)
    }

    /// The second, 0 to 59 (0 when the text has no seconds).
    pub fn second(&self) -> u32 {
        u32::from(self.time.second)
    }

    /// The fraction of the second in nanoseconds.
    pub fn nanosecond(&self) -> u32 {
        self.time.nanos
    }
}

impl_text_type!(TimeOfDay, TIME_OF_DAY);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{FromJson, ToJson, Value};
    use serde_json::json;

    fn dto(text: &str) -> DateTimeOffset {
        DateTimeOffset::parse(text).unwrap()
    }

    #[test]
    fn graph_date_time_with_seven_digits() {
        let t = dto("2017-01-01T00:02:14.9489247-08:00");
        assert_eq!(t.year(), 2017);
        assert_eq!(t.month(), 1);
        assert_eq!(t.day(), 1);
        assert_eq!(t.hour(), 0);
        assert_eq!(t.minute(), 2);
        assert_eq!(t.second(), 14);
        assert_eq!(t.nanosecond(), 948_924_700);
        assert_eq!(t.offset_minutes(), Some(-480));
        assert_eq!(t.unix_timestamp(), Some(1_483_257_734));
        assert_eq!(t.date().as_str(), "2017-01-01");
    }

    #[test]
    fn forms_accepted() {
        let z = dto("2020-02-29T23:59:59Z");
        assert_eq!(z.offset_minutes(), Some(0));
        assert_eq!(z.nanosecond(), 0);
        assert_eq!(dto("2020-02-29t23:59:59z").offset_minutes(), Some(0));
        assert_eq!(dto("2020-01-01T10:00+05:30").offset_minutes(), Some(330));
        assert_eq!(dto("2020-01-01T10:00:00+0530").offset_minutes(), Some(330));
        assert_eq!(dto("2020-01-01T10:00:00-03").offset_minutes(), Some(-180));
        let local = dto("2020-01-01T10:00:00.5");
        assert_eq!(local.offset_minutes(), None);
        assert_eq!(local.unix_timestamp(), None);
        assert_eq!(local.nanosecond(), 500_000_000);
        assert_eq!(dto("0001-01-01T00:00:00Z").year(), 1);
        assert_eq!(
            dto("9999-12-31T23:59:59.9999999Z").nanosecond(),
            999_999_900
        );
        assert_eq!(
            dto("2017-01-01T00:00:00.1234567890123Z").nanosecond(),
            123_456_789
        );
    }

    #[test]
    fn forms_rejected() {
        for bad in [
            "",
            "2017-01-01",
            "2017-01-01T",
            "2017-13-01T00:00:00Z",
            "2017-00-01T00:00:00Z",
            "2017-02-29T00:00:00Z",
            "2017-04-31T00:00:00Z",
            "2017-01-01T24:00:00Z",
            "2017-01-01T00:60:00Z",
            "2017-01-01T00:00:60Z",
            "2017-01-01T00:00:00.Z",
            "2017-01-01T00:00:00+24:00",
            "2017-01-01T00:00:00+01:",
            "2017-01-01T00:00:00ZZ",
            "2017-01-01 00:00:00Z",
            "17-01-01T00:00:00Z",
            "2017-1-01T00:00:00Z",
            "２017-01-01T00:00:00Z",
        ] {
            let e = DateTimeOffset::parse(bad).unwrap_err();
            assert_eq!(e.expected(), Some(DATE_TIME), "{bad}");
        }
    }

    #[test]
    fn text_is_kept() {
        for text in [
            "2017-01-01T00:02:14.9489247-08:00",
            "2017-01-01T00:02:14.100Z",
            "2017-01-01T00:02+01:00",
        ] {
            let t = DateTimeOffset::from_json(json!(text)).unwrap();
            assert_eq!(t.to_json().unwrap(), json!(text));
            assert_eq!(t.to_string(), text);
            assert_eq!(serde_json::to_value(&t).unwrap(), json!(text));
            let back: DateTimeOffset = serde_json::from_value(json!(text)).unwrap();
            assert_eq!(back, t);
        }
        assert_eq!(
            format!("{:?}", dto("2017-01-01T00:00Z")),
            "DateTimeOffset(\"2017-01-01T00:00Z\")"
        );
        let e = DateTimeOffset::from_json(json!(12)).unwrap_err();
        assert_eq!(e.found(), Some("number 12"));
        assert!(serde_json::from_value::<DateTimeOffset>(json!("nope")).is_err());
        assert!(serde_json::from_value::<DateTimeOffset>(Value::Null).is_err());
    }

    #[test]
    fn unix_timestamps() {
        let cases: [(i64, u32, &str); 5] = [
            (0, 0, "1970-01-01T00:00:00Z"),
            (951_782_400, 0, "2000-02-29T00:00:00Z"),
            (1_483_257_734, 948_924_700, "2017-01-01T08:02:14.9489247Z"),
            (-1, 0, "1969-12-31T23:59:59Z"),
            (-62_135_596_800, 0, "0001-01-01T00:00:00Z"),
        ];
        for (seconds, nanos, text) in cases {
            let t = DateTimeOffset::from_unix_timestamp(seconds, nanos).unwrap();
            assert_eq!(t.as_str(), text);
            assert_eq!(t.unix_timestamp(), Some(seconds));
            assert_eq!(t.nanosecond(), nanos);
        }
        assert_eq!(
            dto("9999-12-31T23:59:59Z").unix_timestamp(),
            Some(253_402_300_799)
        );
        assert!(DateTimeOffset::from_unix_timestamp(253_402_300_800, 0).is_err());
        assert!(DateTimeOffset::from_unix_timestamp(-62_167_219_201, 0).is_err());
        assert!(DateTimeOffset::from_unix_timestamp(0, NANOS_PER_SECOND).is_err());
        assert!(DateTimeOffset::from_unix_timestamp(i64::MIN, 0).is_err());
        assert!(DateTimeOffset::from_unix_timestamp(i64::MAX, 0).is_err());
    }

    #[test]
    fn civil_day_conversion_round_trips() {
        for days in (-800_000..3_000_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn dates() {
        let d = Date::parse("2016-02-29").unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2016, 2, 29));
        assert_eq!(d.to_json().unwrap(), json!("2016-02-29"));
        for bad in [
            "2017-02-29",
            "1900-02-29",
            "2016-02-30",
            "2016-2-3",
            "2016-02-01T00:00:00Z",
            "",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        assert!(Date::parse("2000-02-29").is_ok());
        assert_eq!(Date::from_ymd(7, 3, 4).unwrap().as_str(), "0007-03-04");
        assert!(Date::from_ymd(2017, 2, 29).is_err());
        assert!(Date::from_ymd(10_000, 1, 1).is_err());
        assert!(Date::from_ymd(2017, 100, 1).is_err());
        assert!(Date::parse("2017-01-02").unwrap() > Date::parse("2016-12-31").unwrap());
        let e = Date::from_json(json!(["2017-01-01"])).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("expected {DATE}, found an array of 1 elements")
        );
    }

    #[test]
    fn times_of_day() {
        let t: TimeOfDay = "13:30".parse().unwrap();
        assert_eq!(
            (t.hour(), t.minute(), t.second(), t.nanosecond()),
            (13, 30, 0, 0)
        );
        assert_eq!(t.as_str(), "13:30");
        let t = TimeOfDay::from_json(json!("23:59:59.9999999")).unwrap();
        assert_eq!(t.nanosecond(), 999_999_900);
        assert_eq!(t.to_json().unwrap(), json!("23:59:59.9999999"));
        for bad in ["24:00:00", "12:60", "1:00", "12:00:00Z", "12:00:00.", ""] {
            assert!(TimeOfDay::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            TimeOfDay::from_hms_nano(8, 5, 0, 250_000_000)
                .unwrap()
                .as_str(),
            "08:05:00.25"
        );
        assert!(TimeOfDay::from_hms_nano(8, 5, 60, 0).is_err());
        assert!(TimeOfDay::parse("13:30").unwrap() < TimeOfDay::parse("13:30:00").unwrap());
    }
}
