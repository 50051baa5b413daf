//! Delivery pages.
