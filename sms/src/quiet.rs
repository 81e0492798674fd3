//! Quiet hours: when a company's marketing and automatic messages may go. Works on the
//! company's local calendar (weekday and minute of the day); the server turns that into
//! instants in the company's time zone.

use serde::{Deserialize, Serialize};

/// Sending allowed from `from` to `to` (minutes after local midnight, `to` excluded) on the
/// `days` of the week (bit 0 Monday … bit 6 Sunday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    pub from: u16,
    pub to: u16,
    pub days: u8,
}

impl Default for QuietHours {
    /// 8:00–20:00, Monday to Saturday.
    fn default() -> Self {
        QuietHours {
            from: 8 * 60,
            to: 20 * 60,
            days: 0b011_1111,
        }
    }
}

/// When a message may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed {
    Now,
    /// `days` after today, at `minute` after midnight.
    Later {
        days: u8,
        minute: u16,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuietHoursError {
    /// No day of the week is allowed.
    NoDay,
    /// The window is empty, or past midnight.
    Window,
}

impl QuietHours {
    pub fn check(&self) -> Result<(), QuietHoursError> {
        if self.days & 0x7f == 0 {
            Err(QuietHoursError::NoDay)
        } else if self.from >= self.to || self.to > 24 * 60 {
            Err(QuietHoursError::Window)
        } else {
            Ok(())
        }
    }

    pub fn allows_day(&self, weekday: u8) -> bool {
        self.days & (1 << (weekday % 7)) != 0
    }

    /// When a message written on `weekday` (0 Monday) at `minute` after midnight may go.
    /// Settings that allow nothing (see `check`) hold nothing back.
    pub fn next_allowed(&self, weekday: u8, minute: u16) -> Allowed {
        if self.check().is_err() {
            return Allowed::Now;
        }
        if self.allows_day(weekday) && (self.from..self.to).contains(&minute) {
            return Allowed::Now;
        }
        let today = self.allows_day(weekday) && minute < self.from;
        let days = if today {
            0
        } else {
            (1..=7u8)
                .find(|d| self.allows_day(weekday + d))
                .expect("some day is allowed")
        };
        Allowed::Later {
            days,
            minute: self.from,
        }
    }
}

/// `HH:MM` of a minute after midnight.
pub fn clock_text(minute: u16) -> String {
    format!("{}:{:02}", minute / 60, minute % 60)
}

/// A minute after midnight from `H:MM` or `HH:MM` (24:00 allowed, as the end of a day).
pub fn parse_clock(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    let minute = h.checked_mul(60)? + m;
    (m < 60 && minute <= 24 * 60).then_some(minute as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MON: u8 = 0;
    const FRI: u8 = 4;
    const SAT: u8 = 5;
    const SUN: u8 = 6;

    #[test]
    fn the_default_allows_eight_to_eight_monday_to_saturday() {
        let q = QuietHours::default();
        assert_eq!(q.next_allowed(MON, 8 * 60), Allowed::Now);
        assert_eq!(q.next_allowed(SAT, 20 * 60 - 1), Allowed::Now);
        // Before eight: at eight the same day.
        assert_eq!(
            q.next_allowed(MON, 7 * 60 + 59),
            Allowed::Later {
                days: 0,
                minute: 480
            }
        );
        // At 21:00 on a Friday: Saturday at eight.
        assert_eq!(
            q.next_allowed(FRI, 21 * 60),
            Allowed::Later {
                days: 1,
                minute: 480
            }
        );
        // At 20:00 on a Saturday: Monday at eight (Sunday is quiet).
        assert_eq!(
            q.next_allowed(SAT, 20 * 60),
            Allowed::Later {
                days: 2,
                minute: 480
            }
        );
        // On a Sunday morning: Monday.
        assert_eq!(
            q.next_allowed(SUN, 10 * 60),
            Allowed::Later {
                days: 1,
                minute: 480
            }
        );
    }

    #[test]
    fn one_allowed_day_waits_up_to_a_week() {
        let q = QuietHours {
            from: 600,
            to: 660,
            days: 1 << MON,
        };
        assert_eq!(
            q.next_allowed(MON, 700),
            Allowed::Later {
                days: 7,
                minute: 600
            }
        );
        assert_eq!(
            q.next_allowed(FRI, 0),
            Allowed::Later {
                days: 3,
                minute: 600
            }
        );
    }

    #[test]
    fn settings_are_checked() {
        assert_eq!(
            QuietHours {
                days: 0,
                ..Default::default()
            }
            .check(),
            Err(QuietHoursError::NoDay)
        );
        let q = QuietHours {
            from: 600,
            to: 600,
            days: 1,
        };
        assert_eq!(q.check(), Err(QuietHoursError::Window));
        assert_eq!(q.next_allowed(SUN, 0), Allowed::Now);
        assert_eq!(parse_clock("8:00"), Some(480));
        assert_eq!(parse_clock("24:00"), Some(1440));
        assert_eq!(parse_clock("24:01"), None);
        assert_eq!(parse_clock("7:60"), None);
        assert_eq!(parse_clock("2000:00"), None);
        assert_eq!(parse_clock("99999999:00"), None);
        assert_eq!(clock_text(1200), "20:00");
    }
}
