//! Webhooks (SPEC §8): the worker that delivers the event feed to subscriptions, the signed sender it and
//! the ping share, and the guard that keeps that sender off addresses it may not reach (SPEC §15).

pub mod guard;
pub mod sender;
pub mod worker;

pub use sender::Sender;
pub use worker::Worker;
