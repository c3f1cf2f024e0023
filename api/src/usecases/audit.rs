//! The audit trail (audittrail): every change with who made it, read by administrators (all of it) and
//! coordinators (their municipality's). Nothing changes or deletes it.

use domain::Principal;
use domain::access::{self, ReadScope};
use domain::event::Action;
use persistence::audit::{self as store, AuditEvent, AuditFilter};
use persistence::{ConnectionTrait, Page};
use uuid::Uuid;

use super::Result;

/// A page of the changes the principal may read, oldest first.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    p: &Principal,
    filter: &AuditFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<AuditEvent>> {
    access::may_read_audit(p)?;
    check_filter(filter)?;
    Ok(store::list(conn, ReadScope::of(p), filter, after, limit).await?)
}

/// An action or resource type the catalogue does not know is a mistake (a misspelt `area.update`), not a
/// filter that matches nothing.
fn check_filter(filter: &AuditFilter) -> Result<()> {
    let mut errors = domain::FieldErrors::new();
    if let Some(action) = &filter.action
        && Action::parse(action).is_none()
    {
        errors.push("action", "invalid_value", format!("'{action}' is not an action of the audit trail"));
    }
    if let Some(kind) = &filter.resource_type
        && !Action::all().any(|a| a.resource_type() == kind)
    {
        errors.push(
            "resourceType",
            "invalid_value",
            format!("'{kind}' is not a type of resource the audit trail records"),
        );
    }
    Ok(errors.into_result(())?)
}
