//! Feed and notification SQL: the event writers, called by the server
//! functions that make a change, in their transaction; and the reads of the
//! feed and the bell, with the notifications an agent marks read.

mod reads;
mod writers;

pub use reads::*;
pub use writers::*;
