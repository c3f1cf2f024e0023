//! Completes the published schemas of version content with the bounds the domain's content rules enforce
//! (`domain::content::limits::PUBLISHED`): utoipa's attributes take literals only, so the constants are applied
//! here, once, instead of being copied into attributes where they would drift.

use domain::content::limits::{Bound, KEY_MAX, KEY_PATTERN, PUBLISHED};
use utoipa::Number;
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{OpenApi, RefOr};

pub fn apply(doc: &mut OpenApi) {
    let Some(components) = doc.components.as_mut() else { return };
    for (schema, property, bound) in PUBLISHED {
        let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(*schema) else {
            panic!("content schema {schema} is not published");
        };
        let Some(RefOr::T(target)) = object.properties.get_mut(*property) else {
            panic!("content schema {schema} has no property {property}");
        };
        match (target, bound) {
            (Schema::Object(o), Bound::MaxLength(max)) => o.max_length = Some(*max),
            (Schema::Object(o), Bound::RequiredText(max)) => {
                o.max_length = Some(*max);
                o.pattern = Some(r"\S".to_owned());
            }
            (Schema::Object(o), Bound::Key) => {
                o.max_length = Some(KEY_MAX);
                o.pattern = Some(KEY_PATTERN.to_owned());
            }
            (Schema::Object(o), Bound::Range(min, max)) => {
                o.minimum = Some(Number::Float(*min));
                o.maximum = Some(Number::Float(*max));
            }
            (Schema::Object(o), Bound::Minimum(min)) => o.minimum = Some(Number::Float(*min)),
            (Schema::Array(a), Bound::MaxItems(max)) => a.max_items = Some(*max),
            (Schema::Array(a), Bound::MinItems(min)) => a.min_items = Some(*min),
            (_, bound) => panic!("{schema}.{property} cannot take {bound:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_bound_of_the_table_lands_in_the_document() {
        let doc = serde_json::to_value(crate::openapi::document()).unwrap();
        let priority = &doc["components"]["schemas"]["Goal"]["properties"]["priority"];
        assert_eq!((priority["minimum"].as_f64(), priority["maximum"].as_f64()), (Some(1.0), Some(5.0)));
        let title = &doc["components"]["schemas"]["Measure"]["properties"]["title"];
        assert_eq!(title["maxLength"], 200);
        assert_eq!(doc["components"]["schemas"]["PlanContent"]["properties"]["measures"]["maxItems"], 200);
    }
}
