//! What changed between two versions, keyed by what people name: goals, results, measures and assessments by
//! their key, not by their place in a list. Removing the first goal is one removed goal here, where a JSON
//! Patch of the same change replaces every later goal field by field.
//!
//! Pure: it compares two contents of one kind. Fields outside the keyed lists (a vision, a summary) are
//! compared whole; so are lists without keys (an analysis's findings).

use serde::Serialize;
use serde_json::{Map, Value};

use super::{Content, DocumentKind};

/// The differences between an older and a newer content of one document.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyedDiff {
    /// Fields of the content itself that changed (`vision`, `summary`, `lessonsApplied`, …), by name.
    pub fields: Vec<FieldChange>,
    /// Keyed items added, removed or changed: in the newer version's order, removed ones where they were.
    pub items: Vec<ItemChange>,
}

impl KeyedDiff {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.items.is_empty()
    }
}

/// One field with its old and new value; a value that is absent (or `null`) on one side is `null` there.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    pub field: String,
    /// Any JSON value.
    #[cfg_attr(feature = "openapi", schema(value_type = serde_json::Value))]
    pub old: Value,
    /// Any JSON value.
    #[cfg_attr(feature = "openapi", schema(value_type = serde_json::Value))]
    pub new: Value,
}

/// What happened to one keyed item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KeyedChange {
    Added,
    Removed,
    Changed,
}

/// The kinds of keyed items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KeyedItem {
    Goal,
    Result,
    Measure,
    GoalAssessment,
    MeasureAssessment,
    ContributionAssessment,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ItemChange {
    pub item: KeyedItem,
    /// The item's key (`G1`, `G1.R1`, `M3`; a contribution's id).
    pub key: String,
    /// For a result: the key of its goal (in the newer version, or the older one when it was removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    pub change: KeyedChange,
    /// For `changed`: the fields that changed, by name (empty otherwise). A goal's results are items of their
    /// own, not a field.
    pub fields: Vec<FieldChange>,
    /// For `added`: the item as added; for `removed`: the item as it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<serde_json::Value>))]
    pub value: Option<Value>,
}

/// A keyed list of a kind's content: where it is, what it holds, which field keys its items, and the keyed
/// list nested in each item, if any.
struct Keyed {
    list: &'static str,
    item: KeyedItem,
    key: &'static str,
    nested: Option<&'static Keyed>,
}

const RESULTS: Keyed = Keyed { list: "results", item: KeyedItem::Result, key: "key", nested: None };

fn keyed_lists(kind: DocumentKind) -> &'static [Keyed] {
    match kind {
        DocumentKind::Analysis => &[],
        DocumentKind::Agenda => &[Keyed { list: "goals", item: KeyedItem::Goal, key: "key", nested: Some(&RESULTS) }],
        DocumentKind::Plan => &[Keyed { list: "measures", item: KeyedItem::Measure, key: "key", nested: None }],
        DocumentKind::Monitor => &[
            Keyed { list: "goalAssessments", item: KeyedItem::GoalAssessment, key: "goalKey", nested: None },
            Keyed { list: "measureAssessments", item: KeyedItem::MeasureAssessment, key: "measureKey", nested: None },
            Keyed {
                list: "contributionAssessments",
                item: KeyedItem::ContributionAssessment,
                key: "contributionId",
                nested: None,
            },
        ],
    }
}

/// What changed from `old` to `new`, two contents of one document (and so of one kind).
pub fn keyed_diff(old: &Content, new: &Content) -> KeyedDiff {
    let as_map = |c: &Content| match serde_json::to_value(c) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let (old_map, new_map) = (as_map(old), as_map(new));
    let lists = if old.kind() == new.kind() { keyed_lists(new.kind()) } else { &[] };
    let mut diff = KeyedDiff::default();
    let skip: Vec<&str> = lists.iter().map(|l| l.list).collect();
    diff.fields = field_changes(&old_map, &new_map, &skip);
    for list in lists {
        compare_lists(&mut diff.items, list, None, old_map.get(list.list), new_map.get(list.list));
    }
    diff
}

/// The fields of two objects that differ, by name, leaving out `skip`.
fn field_changes(old: &Map<String, Value>, new: &Map<String, Value>, skip: &[&str]) -> Vec<FieldChange> {
    let mut names: Vec<&String> = new.keys().chain(old.keys().filter(|k| !new.contains_key(*k))).collect();
    names.sort();
    names
        .into_iter()
        .filter(|name| !skip.contains(&name.as_str()))
        .filter_map(|name| {
            let (o, n) = (old.get(name).unwrap_or(&Value::Null), new.get(name).unwrap_or(&Value::Null));
            (o != n).then(|| FieldChange { field: name.clone(), old: o.clone(), new: n.clone() })
        })
        .collect()
}

/// The items of a keyed list, by key. An item without a readable key cannot be followed and is left out.
fn by_key(list: Option<&Value>, key: &str) -> Vec<(String, Map<String, Value>)> {
    let items = list.and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    items
        .iter()
        .filter_map(|item| {
            let object = item.as_object()?;
            let k = object.get(key)?.as_str()?.to_owned();
            Some((k, object.clone()))
        })
        .collect()
}

fn compare_lists(
    out: &mut Vec<ItemChange>,
    keyed: &Keyed,
    parent: Option<&str>,
    old: Option<&Value>,
    new: Option<&Value>,
) {
    let (old, new) = (by_key(old, keyed.key), by_key(new, keyed.key));
    let find = |items: &[(String, Map<String, Value>)], key: &str| items.iter().position(|(k, _)| k == key);
    let change = |key: &str, change, fields, value| ItemChange {
        item: keyed.item,
        key: key.to_owned(),
        parent: parent.map(str::to_owned),
        change,
        fields,
        value,
    };
    // Removed items are told where they stood: before the kept item that followed them, else right after the
    // kept item that preceded them.
    let mut removed_before: Vec<(usize, ItemChange)> = vec![];
    for (i, (key, item)) in old.iter().enumerate() {
        if find(&new, key).is_none() {
            let next_kept = old[i + 1..].iter().find_map(|(k, _)| find(&new, k));
            let after_previous = || old[..i].iter().rev().find_map(|(k, _)| find(&new, k)).map_or(0, |p| p + 1);
            let next_kept = next_kept.unwrap_or_else(after_previous);
            removed_before
                .push((next_kept, change(key, KeyedChange::Removed, vec![], Some(Value::Object(item.clone())))));
        }
    }
    let mut removed = removed_before.into_iter().peekable();
    for (j, (key, item)) in new.iter().enumerate() {
        while let Some((_, r)) = removed.next_if(|(at, _)| *at <= j) {
            out.push(r);
        }
        match find(&old, key) {
            None => out.push(change(key, KeyedChange::Added, vec![], Some(Value::Object(item.clone())))),
            Some(i) => {
                let skip: Vec<&str> = keyed.nested.map(|n| n.list).into_iter().collect();
                let fields = field_changes(&old[i].1, item, &skip);
                if !fields.is_empty() {
                    out.push(change(key, KeyedChange::Changed, fields, None));
                }
                if let Some(nested) = keyed.nested {
                    compare_lists(out, nested, Some(key), old[i].1.get(nested.list), item.get(nested.list));
                }
            }
        }
    }
    out.extend(removed.map(|(_, r)| r));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn agenda(goals: Value) -> Content {
        Content::Agenda(serde_json::from_value(json!({"vision": "Leefbare kernen", "goals": goals})).unwrap())
    }

    fn goal(key: &str, title: &str) -> Value {
        json!({"key": key, "title": title, "theme": "social", "priority": 2, "municipalityRole": "facilitate",
               "results": [{"key": format!("{key}.R1"), "description": "Meer ontmoeting", "target": 10}]})
    }

    fn summary(d: &KeyedDiff) -> Vec<(KeyedItem, String, KeyedChange)> {
        d.items.iter().map(|i| (i.item, i.key.clone(), i.change)).collect()
    }

    #[test]
    fn removing_the_first_goal_is_one_removed_goal() {
        let old = agenda(json!([goal("G1", "Een"), goal("G2", "Twee"), goal("G3", "Drie")]));
        let new = agenda(json!([goal("G2", "Twee"), goal("G3", "Drie")]));
        let d = keyed_diff(&old, &new);
        assert_eq!(summary(&d), [(KeyedItem::Goal, "G1".to_owned(), KeyedChange::Removed)]);
        assert!(d.fields.is_empty());
        assert_eq!(d.items[0].value.as_ref().unwrap()["title"], "Een", "a removed goal is shown as it was");
    }

    #[test]
    fn a_changed_goal_names_its_fields_with_old_and_new_and_its_results_are_items_of_their_own() {
        let old = agenda(json!([goal("G1", "Een"), goal("G2", "Twee")]));
        let mut changed = goal("G2", "Twee en meer");
        changed["priority"] = json!(1);
        changed["results"][0]["target"] = json!(12);
        changed["results"].as_array_mut().unwrap().push(json!({"key": "G2.R2", "description": "Nieuw"}));
        let new = agenda(json!([goal("G1", "Een"), changed, goal("G4", "Vier")]));
        let d = keyed_diff(&old, &new);
        assert_eq!(
            summary(&d),
            [
                (KeyedItem::Goal, "G2".to_owned(), KeyedChange::Changed),
                (KeyedItem::Result, "G2.R1".to_owned(), KeyedChange::Changed),
                (KeyedItem::Result, "G2.R2".to_owned(), KeyedChange::Added),
                (KeyedItem::Goal, "G4".to_owned(), KeyedChange::Added),
            ]
        );
        let fields: Vec<_> = d.items[0].fields.iter().map(|f| (f.field.as_str(), &f.old, &f.new)).collect();
        assert_eq!(fields, [("priority", &json!(2), &json!(1)), ("title", &json!("Twee"), &json!("Twee en meer"))]);
        assert_eq!(d.items[1].parent.as_deref(), Some("G2"));
        assert_eq!(d.items[1].fields, [FieldChange { field: "target".into(), old: json!(10.0), new: json!(12.0) }]);
    }

    #[test]
    fn removed_items_stand_where_they_were_and_reordering_alone_is_no_change() {
        let old = agenda(json!([goal("G1", "Een"), goal("G2", "Twee"), goal("G3", "Drie")]));
        let new = agenda(json!([goal("G3", "Drie"), goal("G1", "Een")]));
        assert_eq!(summary(&keyed_diff(&old, &new)), [(KeyedItem::Goal, "G2".to_owned(), KeyedChange::Removed)]);
        let same = keyed_diff(&old, &agenda(json!([goal("G3", "Drie"), goal("G2", "Twee"), goal("G1", "Een")])));
        assert!(same.is_empty());
    }

    #[test]
    fn fields_of_the_content_itself_are_compared_whole() {
        let old = Content::Analysis(serde_json::from_value(json!({"summary": "Oud", "threats": []})).unwrap());
        let new = Content::Analysis(
            serde_json::from_value(
                json!({"summary": "Nieuw", "threats": [{"title": "Leegstand", "description": "", "theme": "economy"}]}),
            )
            .unwrap(),
        );
        let d = keyed_diff(&old, &new);
        let fields: Vec<_> = d.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["summary", "threats"]);
        assert_eq!((d.fields[0].old.clone(), d.fields[0].new.clone()), (json!("Oud"), json!("Nieuw")));
        assert!(d.items.is_empty());
    }

    #[test]
    fn measures_and_assessments_are_keyed_too() {
        let plan = |title: &str, owner: Value| {
            Content::Plan(
                serde_json::from_value(json!({"measures": [
                    {"key": "M1", "title": title, "kind": "activity", "goalKeys": ["G1"], "ownerOrganisationId": owner}]}))
                .unwrap(),
            )
        };
        let owner = json!("0190b1a2-0000-7000-8000-000000000001");
        let d = keyed_diff(&plan("Schouw", Value::Null), &plan("Schouw", owner.clone()));
        assert_eq!(
            d.items[0].fields,
            [FieldChange { field: "ownerOrganisationId".into(), old: Value::Null, new: owner }]
        );
        let monitor = |verdict: &str, contribution: &str| {
            Content::Monitor(
                serde_json::from_value(json!({
                    "goalAssessments": [{"goalKey": "G1", "verdict": verdict}],
                    "contributionAssessments": [{"contributionId": contribution, "verdict": "delivered"}]}))
                .unwrap(),
            )
        };
        let (c1, c2) = ("0190b1a2-0000-7000-8000-00000000000a", "0190b1a2-0000-7000-8000-00000000000b");
        let d = keyed_diff(&monitor("achieved", c1), &monitor("not_achieved", c2));
        assert_eq!(
            summary(&d),
            [
                (KeyedItem::GoalAssessment, "G1".to_owned(), KeyedChange::Changed),
                (KeyedItem::ContributionAssessment, c1.to_owned(), KeyedChange::Removed),
                (KeyedItem::ContributionAssessment, c2.to_owned(), KeyedChange::Added),
            ]
        );
    }
}
