//! The time billing rules are judged by (refund windows, order dates, seat
//! expiry). Production reads the system clock; tests move it forward.

use chrono::{DateTime, Duration, Utc};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// The system clock plus an offset that only tests change. Clones share the offset.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.offset_ms.load(Ordering::SeqCst))
    }

    /// Moves this clock (and every clone of it) forward by `by`.
    pub fn advance(&self, by: Duration) {
        self.offset_ms.fetch_add(by.num_milliseconds(), Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn clones_move_together() {
        let clock = super::Clock::system();
        let other = clock.clone();
        let before = other.now();
        clock.advance(chrono::Duration::days(15));
        assert!(other.now() - before >= chrono::Duration::days(15));
    }
}
