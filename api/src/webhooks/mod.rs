//! Webhooks (SPEC §8): the worker that delivers the event feed to subscriptions, and the signed sender it
//! and the ping share.

pub mod sender;
pub mod worker;

pub use sender::Sender;
pub use worker::Worker;
