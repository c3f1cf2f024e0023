//! The audit trail (audittrail): every change with who made it, read by administrators (all of it) and
//! coordinators (their municipality's). Nothing changes or deletes it.

use domain::Principal;
use domain::access::{self, ReadScope};
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
    Ok(store::list(conn, ReadScope::of(p), filter, after, limit).await?)
}
