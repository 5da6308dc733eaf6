//! `kubectl wait --for=condition=C|--for=delete|--for=jsonpath=...`: runs simulated time until
//! every named object meets the condition, or the timeout (30 s, as kubectl) passes.

use crate::model::{Object, ObjectRef, Selector};

use super::args::{flag, parse_duration_ms};
use super::cmdutil::{flags, namespace, qualified_name, resource_args, Ran};
use super::{Console, Output, Target};

#[derive(Clone, Debug, PartialEq, Eq)]
enum For {
    Condition(String, String),
    Delete,
    JsonPath(String, String),
}

fn condition_met(obj: &Object, cond: &str, want: &str) -> bool {
    let conds: Vec<(&str, &str)> = match obj {
        Object::Pod(p) => p
            .status
            .conditions
            .iter()
            .map(|c| (&*c.type_, &*c.status))
            .collect(),
        Object::Node(n) => n
            .status
            .conditions
            .iter()
            .map(|c| (c.type_.as_str(), c.status.as_str()))
            .collect(),
        Object::Deployment(d) => d
            .status
            .conditions
            .iter()
            .map(|c| (c.type_.as_str(), c.status.as_str()))
            .collect(),
        _ => Vec::new(),
    };
    conds
        .iter()
        .any(|(t, s)| t.eq_ignore_ascii_case(cond) && s.eq_ignore_ascii_case(want))
}

/// `kubectl wait TYPE/NAME... --for=...` (or `TYPE NAME...`, `TYPE -l SELECTOR`): the objects
/// are fixed when the command starts, and the caller runs the wait it returns.
pub fn run(console: &Console, target: &mut dyn Target, words: &[String]) -> Ran<Wait> {
    match start(console, target, words) {
        Ok(w) => Ran::Waiting(w),
        Err(o) => Ran::Done(o),
    }
}

/// The objects still waited for and the condition; polled every `EVERY_MS`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wait {
    wait_for: For,
    pending: Vec<ObjectRef>,
    timeout: u64,
    waited: u64,
}

fn start(console: &Console, target: &mut dyn Target, words: &[String]) -> Result<Wait, Output> {
    let args = flags(
        "wait",
        words,
        &[
            flag("for", None, true),
            flag("timeout", None, true),
            flag("selector", Some('l'), true),
            flag("all", None, false),
        ],
    )?;
    let Some(spec) = args.value("for") else {
        return Err(Output::err("error: --for must be set\n"));
    };
    let wait_for = if spec == "delete" {
        For::Delete
    } else if let Some(c) = spec.strip_prefix("condition=") {
        let (c, v) = c.split_once('=').unwrap_or((c, "True"));
        For::Condition(c.to_string(), v.to_string())
    } else if let Some(j) = spec.strip_prefix("jsonpath=") {
        match j.split_once('=') {
            Some((p, v)) => For::JsonPath(p.to_string(), v.to_string()),
            None => {
                return Err(Output::err(format!(
                    "error: jsonpath wait format must be --for=jsonpath='{{.status.readyReplicas}}'=3: {spec}\n"
                )))
            }
        }
    } else {
        return Err(Output::err(format!(
            "error: unrecognized condition: \"{spec}\"\n"
        )));
    };
    let timeout = match args.value("timeout").map(parse_duration_ms) {
        None => 30_000,
        Some(Ok(ms)) => ms,
        Some(Err(e)) => return Err(Output::err(format!("error: {e}\n"))),
    };
    let ns = namespace(console, &args).to_string();
    let requests = resource_args(&args.positional)?;
    let selector = match args.value("selector").map(Selector::parse).transpose() {
        Ok(s) => s,
        Err(e) => return Err(Output::err(format!("error: {e}\n"))),
    };
    // The objects to wait for, fixed when the command starts (as kubectl resolves them).
    let mut refs: Vec<ObjectRef> = Vec::new();
    for (kind, names) in &requests {
        if names.is_empty() {
            for o in target.sim().cluster().list_kind(*kind) {
                let m = o.meta();
                let in_ns = !kind.namespaced() || m.namespace == ns;
                let selected = selector.as_ref().is_some_and(|s| s.matches(&m.labels))
                    || (selector.is_none() && args.on("all"));
                if in_ns && selected {
                    refs.push(o.object_ref());
                }
            }
        } else {
            for n in names {
                let r = ObjectRef::new(*kind, &ns, n);
                if target.sim().cluster().get_object(&r).is_none() {
                    if matches!(wait_for, For::Delete) {
                        continue;
                    }
                    return Err(Output::err(format!(
                        "Error from server (NotFound): {} \"{n}\" not found\n",
                        kind.qualified_resource()
                    )));
                }
                refs.push(r);
            }
        }
    }
    if refs.is_empty() {
        return Err(Output::err("error: no matching resources found\n"));
    }
    Ok(Wait {
        wait_for,
        pending: refs,
        timeout,
        waited: 0,
    })
}

impl Wait {
    /// kubectl's wait re-reads the objects as its watch sees them; here every half second.
    pub const EVERY_MS: u64 = 500;

    pub fn limit(&self) -> u64 {
        self.timeout
    }

    /// One look: a "condition met" line for each object that now meets it, and whether (and
    /// how) the command ended.
    pub fn poll(&mut self, sim: &crate::sim::Sim) -> (String, Option<bool>) {
        let mut text = String::new();
        let wait_for = &self.wait_for;
        self.pending.retain(|r| {
            let met = match (wait_for, sim.cluster().get_object(r)) {
                (For::Delete, None) => true,
                (For::Delete, Some(_)) => false,
                (_, None) => false,
                (For::Condition(c, v), Some(o)) => condition_met(o, c, v),
                (For::JsonPath(p, v), Some(o)) => {
                    super::jsonpath::render(p, &[o], true).is_ok_and(|s| s == *v)
                }
            };
            if met {
                text.push_str(&format!(
                    "{} condition met\n",
                    qualified_name(r.kind, &r.name)
                ));
            }
            !met
        });
        if self.pending.is_empty() {
            return (text, Some(true));
        }
        if self.waited >= self.timeout {
            for r in &self.pending {
                text.push_str(&format!(
                    "error: timed out waiting for the condition on {}/{}\n",
                    r.kind.plural(),
                    r.name
                ));
            }
            return (text, Some(false));
        }
        self.waited += Self::EVERY_MS;
        (text, None)
    }
}
