//! Who is calling: the role of an API token and the scope it holds (SPEC §7).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The five roles. They are about permissions; the titles people carry differ per municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Coordinator,
    AreaEditor,
    Partner,
    Viewer,
}

crate::names::named!(
    "role",
    Role {
        Admin => "admin",
        Coordinator => "coordinator",
        AreaEditor => "area_editor",
        Partner => "partner",
        Viewer => "viewer",
    }
);

/// A role together with its scope. Each role carries exactly the scope it needs, so a coordinator without
/// a municipality or a partner without an organisation cannot be represented.
///
/// A partner token carries the municipality of the coordinator who issued it (SPEC §15: scope is the
/// issuer's), so an organisation that is a partner in several municipalities reaches through it only the
/// areas of that one; `None` (issued by an administrator) reaches every municipality where it is a partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    Admin,
    Coordinator { municipality_id: Uuid },
    AreaEditor { municipality_id: Uuid, area_ids: Vec<Uuid> },
    Partner { organisation_id: Uuid, municipality_id: Option<Uuid> },
    Viewer { municipality_id: Uuid },
}

impl Access {
    pub fn role(&self) -> Role {
        match self {
            Access::Admin => Role::Admin,
            Access::Coordinator { .. } => Role::Coordinator,
            Access::AreaEditor { .. } => Role::AreaEditor,
            Access::Partner { .. } => Role::Partner,
            Access::Viewer { .. } => Role::Viewer,
        }
    }

    /// The municipality the scope is bound to: always for the municipal roles, for a partner when a
    /// coordinator issued its token.
    pub fn municipality_id(&self) -> Option<Uuid> {
        match self {
            Access::Coordinator { municipality_id }
            | Access::AreaEditor { municipality_id, .. }
            | Access::Viewer { municipality_id } => Some(*municipality_id),
            Access::Partner { municipality_id, .. } => *municipality_id,
            Access::Admin => None,
        }
    }

    pub fn organisation_id(&self) -> Option<Uuid> {
        match self {
            Access::Partner { organisation_id, .. } => Some(*organisation_id),
            _ => None,
        }
    }

    pub fn area_ids(&self) -> &[Uuid] {
        match self {
            Access::AreaEditor { area_ids, .. } => area_ids,
            _ => &[],
        }
    }
}

/// The authenticated caller: the token's id and name (for the audit trail) and its access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub token_id: Uuid,
    pub name: String,
    pub access: Access,
}

impl Principal {
    pub fn role(&self) -> Role {
        self.access.role()
    }
}
