//! History entries (the audit log) and how a change reads: which fields went from what to what.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at_ms: i64,
    pub actor_name: String,
    pub action: String,
    /// JSON snapshots of the object before and after (None: created / deleted).
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A merchant object whose history (audit log) can be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HistoryOf {
    PlatformOrder(i64),
    Mapping(i64),
    Store(i64),
    /// Merchant administrators only, like the tokens themselves.
    ApiToken(i64),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    /// Empty when the field did not exist on that side.
    pub before: String,
    pub after: String,
}

impl AuditEntry {
    /// The fields whose value differs between the snapshots, in field order; for a creation
    /// every field of `after`, for a deletion every field of `before`.
    pub fn changes(&self) -> Vec<FieldChange> {
        let parse = |s: &Option<String>| -> serde_json::Map<String, serde_json::Value> {
            match s.as_deref().map(serde_json::from_str::<serde_json::Value>) {
                Some(Ok(serde_json::Value::Object(map))) => map,
                _ => serde_json::Map::new(),
            }
        };
        let (before, after) = (parse(&self.before), parse(&self.after));
        let mut fields: Vec<&String> = before.keys().chain(after.keys()).collect();
        fields.sort();
        fields.dedup();
        fields
            .into_iter()
            .map(|f| FieldChange { field: f.clone(), before: as_text(before.get(f)), after: as_text(after.get(f)) })
            .filter(|c| c.before != c.after)
            .collect()
    }
}

fn as_text(value: Option<&serde_json::Value>) -> String {
    match value {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(before: Option<&str>, after: Option<&str>) -> AuditEntry {
        AuditEntry { id: 1, at_ms: 0, actor_name: "A".into(), action: "Updated".into(), before: before.map(Into::into), after: after.map(Into::into) }
    }

    #[test]
    fn lists_only_changed_fields() {
        let e = entry(Some(r#"{"role":"merchant_user","name":"Ann","n":1}"#), Some(r#"{"role":"merchant_admin","name":"Ann","n":2}"#));
        let changes = e.changes();
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0], FieldChange { field: "n".into(), before: "1".into(), after: "2".into() });
        assert_eq!(changes[1], FieldChange { field: "role".into(), before: "merchant_user".into(), after: "merchant_admin".into() });
    }

    #[test]
    fn creation_and_deletion_show_every_field() {
        let created = entry(None, Some(r#"{"a":"x","b":null}"#)).changes();
        assert_eq!(created, vec![FieldChange { field: "a".into(), before: String::new(), after: "x".into() }]);
        let deleted = entry(Some(r#"{"a":"x"}"#), None).changes();
        assert_eq!(deleted[0].before, "x");
        assert!(entry(Some("not json"), None).changes().is_empty());
    }
}
