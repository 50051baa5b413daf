//! SQL for orders, payments, refunds and billing information. Orders, their
//! lines, payments and refunds are only ever inserted: the status of an
//! order is read from which of those rows exist.

mod info;
mod orders;
mod refunds;

pub use info::*;
pub use orders::*;
pub use refunds::*;
