//! What must hold in the database after anything at all (a crash, two instances racing, an outage), checked
//! in SQL that runs on SQLite and PostgreSQL alike. Each query returns the rows that break its rule; a
//! change half written (its row without its audit event, an audit event without its domain event, a second
//! version in force) shows up as such a row.

use domain::event::AuditOnlyAction;
use sea_orm::{ConnectionTrait, Statement};

/// (rule, query returning one row per breach). The audit and domain event of one change carry the same
/// moment (`Tx::now`), action and resource, and so does a transition's history row; they are matched on all
/// three and counted, since under a test's frozen clock one resource may change several times at one moment.
/// `{audit_only}` stands for the catalogue's audit-only actions, which have no domain event. A change of terms
/// that reopened a contribution (`change_terms`) is audited as `contribution.proposed`, which a new proposal
/// and a counter-proposal are too, so there it takes at least as many audit events as steps.
const RULES: [(&str, &str); 8] = [
    (
        "every published audit event has exactly one domain event",
        "SELECT a.action AS what
         FROM (SELECT action, resource_id, at, COUNT(*) AS n FROM audit_events
               WHERE action NOT IN ({audit_only}) GROUP BY action, resource_id, at) a
         LEFT JOIN (SELECT event_type, resource_id, occurred_at, COUNT(*) AS n FROM domain_events
                    GROUP BY event_type, resource_id, occurred_at) e
           ON e.event_type = a.action AND e.resource_id = a.resource_id AND e.occurred_at = a.at
         WHERE e.n IS NULL OR e.n <> a.n",
    ),
    (
        "every domain event has its audit event",
        "SELECT e.event_type AS what FROM domain_events e
         WHERE NOT EXISTS (SELECT 1 FROM audit_events a
                           WHERE a.action = e.event_type AND a.resource_id = e.resource_id AND a.at = e.occurred_at)",
    ),
    (
        "every check-in has exactly one audit event",
        "SELECT 'check-in' AS what FROM check_ins c
         WHERE (SELECT COUNT(*) FROM audit_events a WHERE a.resource_id = c.id AND a.action = 'checkin.created') <> 1",
    ),
    (
        "every change of a contribution moved its revision once and was audited once (a check-in is audited as \
         the check-in and leaves the revision alone: the ETag names the latest one instead)",
        "SELECT 'contribution' AS what FROM contributions c
         WHERE c.revision <> (SELECT COUNT(*) FROM audit_events a
                              WHERE a.resource_id = c.id AND a.resource_type = 'contribution'
                                AND a.action NOT LIKE 'deadline.%')",
    ),
    (
        "every contribution transition has its audit event",
        "SELECT t.action AS what
         FROM (SELECT contribution_id, at,
                      CASE action WHEN 'agree' THEN 'contribution.committed' WHEN 'start' THEN 'contribution.started'
                                  WHEN 'withdraw' THEN 'contribution.withdrawn'
                                  WHEN 'change_terms' THEN 'contribution.proposed' ELSE 'contribution.delivered' END AS action,
                      COUNT(*) AS n
               FROM contribution_transitions GROUP BY 1, 2, 3) t
         LEFT JOIN (SELECT resource_id, action, at, COUNT(*) AS n FROM audit_events GROUP BY resource_id, action, at) a
           ON a.resource_id = t.contribution_id AND a.action = t.action AND a.at = t.at
         WHERE a.n IS NULL
            OR (t.action = 'contribution.proposed' AND a.n < t.n)
            OR (t.action <> 'contribution.proposed' AND a.n <> t.n)",
    ),
    (
        "every version transition has exactly one audit event",
        "SELECT t.action AS what
         FROM (SELECT v.id AS version_id, t.at,
                      CASE t.action WHEN 'submit' THEN 'version.submitted' WHEN 'return' THEN 'version.returned'
                                    WHEN 'adopt' THEN 'version.adopted' ELSE 'version.withdrawn' END AS action,
                      COUNT(*) AS n
               FROM version_transitions t JOIN versions v ON v.document_id = t.document_id AND v.number = t.version_number
               GROUP BY 1, 2, 3) t
         LEFT JOIN (SELECT resource_id, action, at, COUNT(*) AS n FROM audit_events GROUP BY resource_id, action, at) a
           ON a.resource_id = t.version_id AND a.action = t.action AND a.at = t.at
         WHERE a.n IS NULL OR a.n <> t.n",
    ),
    (
        "every superseded version has exactly one version.superseded audit event, at the moment it was superseded",
        "SELECT 'version' AS what FROM versions v
         WHERE v.status = 'superseded'
           AND (SELECT COUNT(*) FROM audit_events a
                WHERE a.resource_id = v.id AND a.action = 'version.superseded' AND a.at = v.superseded_at) <> 1",
    ),
    (
        "at most one version of a document is in force, and at most one open",
        "SELECT MIN(status) AS what FROM versions WHERE status IN ('adopted', 'draft', 'submitted')
         GROUP BY document_id, CASE status WHEN 'adopted' THEN 'in force' ELSE 'open' END HAVING COUNT(*) > 1",
    ),
];

/// The rules broken, each with how many rows break it and the first row's `what`; empty when all hold.
pub async fn violations(db: &persistence::Db) -> Vec<String> {
    let conn = db.conn();
    let audit_only: Vec<String> = AuditOnlyAction::ALL.iter().map(|a| format!("'{}'", a.as_str())).collect();
    let mut broken = Vec::new();
    for (rule, sql) in RULES {
        let sql = sql.replace("{audit_only}", &audit_only.join(", "));
        let rows = conn
            .query_all_raw(Statement::from_string(conn.get_database_backend(), sql))
            .await
            .unwrap_or_else(|e| panic!("invariant query for '{rule}' failed: {e}"));
        if let Some(first) = rows.first() {
            let what: String = first.try_get("", "what").unwrap_or_default();
            broken.push(format!("{rule}: {} rows break it (first: {what})", rows.len()));
        }
    }
    broken
}

/// Panics with every broken rule.
pub async fn assert_hold(db: &persistence::Db) {
    let broken = violations(db).await;
    assert!(broken.is_empty(), "invariants broken:\n  {}", broken.join("\n  "));
}

/// How many rows a table holds, for tests that compare what was answered with what is stored.
pub async fn count(db: &persistence::Db, table: &str) -> i64 {
    let conn = db.conn();
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    let row = conn
        .query_one_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .expect("count query")
        .expect("a row");
    row.try_get("", "n").expect("a count")
}
