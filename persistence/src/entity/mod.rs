//! sea-orm entities: the tables as sea-orm sees them. Only this crate uses them; repositories turn rows
//! into the records the rest of the service works with.

pub mod api_token;
pub mod area;
pub mod area_partner;
pub mod audit_event;
pub mod check_in;
pub mod contribution;
pub mod contribution_transition;
pub mod deadline_notice;
pub mod deadline_override;
pub mod document;
pub mod document_year;
pub mod domain_event;
pub mod idempotency_key;
pub mod municipality;
pub mod municipality_stamp;
pub mod organisation;
pub mod version;
pub mod version_transition;
pub mod webhook_attempt;
pub mod webhook_cursor;
pub mod webhook_delivery;
pub mod webhook_subscription;
