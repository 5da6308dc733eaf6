//! `-o yaml` and `-o json` for one object or a `List`, as kubectl prints them.

use podlab_derive::Encode;

use crate::manifest::emit::Encode;
use crate::manifest::{to_json, to_yaml};
use crate::model::Object;

#[derive(Encode)]
#[serde(rename_all = "camelCase")]
struct List<'a> {
    api_version: &'static str,
    items: Vec<&'a Object>,
    kind: &'static str,
    metadata: ListMeta,
}

#[derive(Encode)]
#[serde(rename_all = "camelCase")]
struct ListMeta {
    resource_version: &'static str,
}

fn text<T: Encode>(value: &T, json: bool) -> String {
    let printed = if json { to_json(value) } else { to_yaml(value) };
    match printed {
        Ok(mut s) => {
            if !s.ends_with('\n') {
                s.push('\n');
            }
            s
        }
        Err(e) => format!("error: {e}\n"),
    }
}

pub fn object(o: &Object, json: bool) -> String {
    text(o, json)
}

/// Several objects print as a `v1` `List`, as `kubectl get pods -o yaml` does.
pub fn list(objects: &[&Object], json: bool) -> String {
    text(
        &List {
            api_version: "v1",
            items: objects.to_vec(),
            kind: "List",
            metadata: ListMeta {
                resource_version: "",
            },
        },
        json,
    )
}
