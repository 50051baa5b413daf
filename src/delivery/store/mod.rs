//! Services and tasks SQL, by concern: creating and listing services, reading
//! tasks, who works them (claims, load balancing, assignment), their life
//! cycle with its licenses, and the daily reminders. Callers use
//! `delivery::store::...`; the parts are an arrangement, not an interface.

mod assigning;
mod life_cycle;
mod reminders;
mod services;
mod tasks;

pub use assigning::*;
pub use life_cycle::*;
pub use reminders::*;
pub use services::*;
pub use tasks::*;
