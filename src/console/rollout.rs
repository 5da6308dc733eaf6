//! `kubectl rollout status|history|undo|restart|pause|resume`.

use crate::model::{Kind, Object};
use crate::sim::{Command, Outcome};

use super::args::flag;
use super::cmdutil::{
    flags, namespace, pod_template, qualified_name, resource_args, selected_names, Ran, Writer,
};
use super::{sim_error_text, Console, Output, Target};

/// `kubectl rollout status|history|undo deployment/NAME`. `status` waits for the rollout: the
/// caller runs the wait it returns (in one go, or a look per poll in the page).
pub fn run(console: &Console, target: &mut dyn Target, words: &[String]) -> Ran<StatusWait> {
    let mut waits = None;
    let out = run_sub(console, target, words, &mut waits);
    match waits {
        Some(w) => Ran::Waiting(w),
        None => Ran::Done(out),
    }
}

/// A subcommand's output; `status` leaves its wait in `waits` instead.
fn run_sub(
    console: &Console,
    target: &mut dyn Target,
    words: &[String],
    waits: &mut Option<StatusWait>,
) -> Output {
    let Some((sub, rest)) = words.split_first() else {
        return Output::err("error: a subcommand is required: history, pause, restart, resume, status or undo\nSee 'kubectl rollout -h' for help and examples\n");
    };
    let args = match flags(
        &format!("rollout {sub}"),
        rest,
        &[
            flag("revision", None, true),
            flag("to-revision", None, true),
            flag("timeout", None, true),
            flag("watch", Some('w'), false),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let int_flag = |f: &str| -> Result<Option<i64>, Output> {
        args.value(f)
            .map(|v| super::cmdutil::int_flag(f, v, &format!("rollout {sub}"), 64))
            .transpose()
    };
    // Flags are read before anything is asked of the server, as cobra does.
    for f in ["revision", "to-revision"] {
        if let Err(o) = int_flag(f) {
            return o;
        }
    }
    let ns = namespace(console, &args).to_string();
    let requests = match resource_args(&args.positional) {
        Ok(r) => r,
        Err(o) => return o,
    };
    if matches!(sub.as_str(), "restart" | "pause" | "resume") {
        return rollout_patch_all(target, &ns, &requests, sub);
    }
    let Some((kind, names)) = requests.first() else {
        return Output::err("error: required resource not specified\n");
    };
    let Some(name) = names.first() else {
        return Output::err("error: required resource not specified\n");
    };
    let kind = *kind;
    // kubectl reads the object first: a missing one is NotFound whatever the kind.
    let r = crate::model::ObjectRef::new(kind, if kind.namespaced() { &ns } else { "" }, name);
    if target.sim().cluster().get_object(&r).is_none() {
        return Output::err(format!(
            "Error from server (NotFound): {} \"{name}\" not found\n",
            kind.qualified_resource()
        ));
    }
    // kubectl names the kind as a GroupKind: `ReplicaSet.apps`, `Pod`.
    let group_kind = match kind.group() {
        "" => kind.name().to_string(),
        g => format!("{}.{g}", kind.name()),
    };
    match (sub.as_str(), kind) {
        ("status", Kind::Deployment | Kind::StatefulSet) => {}
        ("status", _) => {
            return Output::err(format!(
                "error: no status viewer has been implemented for {group_kind}\n"
            ))
        }
        ("history" | "undo", Kind::Deployment | Kind::StatefulSet) => {}
        ("history", _) => {
            return Output::err(format!(
                "error: no history viewer has been implemented for \"{group_kind}\"\n"
            ))
        }
        ("undo", _) => {
            return Output::err(format!(
                "error: no rollbacker has been implemented for \"{group_kind}\"\n"
            ))
        }
        _ => {}
    }
    match sub.as_str() {
        "status" => {
            let timeout = match args.value("timeout").map(super::args::parse_duration_ms) {
                Some(Ok(0)) | None => None,
                Some(Ok(ms)) => Some(ms),
                Some(Err(e)) => return Output::err(format!("error: {e}\n")),
            };
            *waits = Some(StatusWait {
                kind,
                namespace: ns,
                name: name.clone(),
                watch: args.value("watch") != Some("false"),
                timeout,
                last: String::new(),
                waited: 0,
            });
            Output::ok("")
        }
        "history" => {
            let revision = match int_flag("revision") {
                Ok(r) => r,
                Err(o) => return o,
            };
            let cluster = target.sim().cluster();
            let history = match kind {
                Kind::StatefulSet => crate::sim::statefulset_history(cluster, &ns, name),
                _ => crate::sim::rollout_history(cluster, &ns, name),
            };
            let history = match history {
                Ok(h) => h,
                Err(e) => return Output::err(format!("Error from server ({}): {e}\n", e.reason())),
            };
            if let Some(r) = revision.filter(|r| *r > 0) {
                return match history.iter().find(|h| h.revision == r) {
                    Some(h) => Output::ok(revision_template(kind, name, r, &h.template)),
                    None => Output::err("error: unable to find the specified revision\n"),
                };
            }
            let mut text = format!("{} \nREVISION\tCHANGE-CAUSE\n", qualified_name(kind, name));
            for h in &history {
                text.push_str(&format!(
                    "{}\t{}\n",
                    h.revision,
                    h.change_cause.as_deref().unwrap_or("<none>")
                ));
            }
            text.push('\n');
            Output::ok(super::table::tabwrite(&text, 2))
        }
        "undo" => {
            let to_revision = match int_flag("to-revision") {
                Ok(r) => r.filter(|r| *r != 0),
                Err(o) => return o,
            };
            match target.apply(Command::RolloutUndo {
                kind,
                namespace: ns.clone(),
                name: name.clone(),
                to_revision,
            }) {
                Ok(Outcome::Unchanged(_)) => {
                    let current = crate::sim::rollout_history(target.sim().cluster(), &ns, name)
                        .ok()
                        .and_then(|h| h.last().map(|r| r.revision))
                        .unwrap_or(0);
                    Output::ok(format!(
                        "deployment.apps/{name} skipped rollback (current template already matches revision {current})\n"
                    ))
                }
                Ok(Outcome::Done(line)) => Output::ok(format!("{line}\n")),
                Ok(_) => Output::ok(format!("deployment.apps/{name} rolled back\n")),
                Err(e) => Output::err(sim_error_text(&e)),
            }
        }
        other => Output::err(format!(
            "error: unknown command \"{other}\" for \"kubectl rollout\"\n"
        )),
    }
}

/// `rollout restart|pause|resume` over every named object (a bare TYPE means all of that
/// type in the namespace): successes as they go, then the errors, as kubectl aggregates them.
fn rollout_patch_all(
    target: &mut dyn Target,
    ns: &str,
    requests: &[(Kind, Vec<String>)],
    sub: &str,
) -> Output {
    if requests.is_empty() {
        return Output::err("error: required resource not specified\n");
    }
    let mut out = Output::ok("");
    let mut errors: Vec<String> = Vec::new();
    let mut seen = 0;
    for (kind, names) in requests {
        let names = if names.is_empty() {
            selected_names(target.sim(), *kind, ns, None)
        } else {
            names.clone()
        };
        for name in &names {
            seen += 1;
            match rollout_patch(target, *kind, ns, name, sub) {
                Ok(line) => out.text.push_str(&line),
                Err(e) => errors.push(e),
            }
        }
    }
    if seen == 0 && sub == "restart" {
        return Output::ok(format!("No resources found in {ns} namespace.\n"));
    }
    // One error prints as is (prefixed `error: `); several print one per line.
    match errors.as_slice() {
        [] => {}
        [one] if one.starts_with("error: ") || one.starts_with("Error from") => {
            out.text.push_str(one)
        }
        [one] => out.text.push_str(&format!("error: {one}")),
        many => many.iter().for_each(|e| out.text.push_str(e)),
    }
    out.ok = errors.is_empty();
    out
}

/// `rollout restart|pause|resume TYPE/NAME`: the patch kubectl sends, with its messages.
/// Restart stamps the pod template with the simulated time (whole seconds, as kubectl's
/// RFC 3339), so it rolls like any template change; a second restart within the same second
/// would be an empty patch, which kubectl refuses.
fn rollout_patch(
    target: &mut dyn Target,
    kind: Kind,
    ns: &str,
    name: &str,
    sub: &str,
) -> Result<String, String> {
    let ns = if kind.namespaced() { ns } else { "" };
    let r = crate::model::ObjectRef::new(kind, ns, name);
    let Some(mut obj) = target.sim().cluster().get_object(&r).cloned() else {
        return Err(format!(
            "Error from server (NotFound): {} \"{name}\" not found\n",
            kind.qualified_resource()
        ));
    };
    let refuse = |why: &str| format!("error: {} \"{name}\" {why}\n", kind.qualified_resource());
    const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";
    let now = target.sim().now_time().to_rfc3339();
    let stamp = |t: &mut crate::model::PodTemplateSpec| -> Result<(), String> {
        let old = t
            .metadata
            .annotations
            .insert(RESTARTED_AT.into(), now.clone());
        if old.as_deref() == Some(now.as_str()) {
            return Err(format!("failed to create patch for {name}: if restart has already been triggered within the past second, please wait before attempting to trigger another\n"));
        }
        Ok(())
    };
    match (&mut obj, sub) {
        (Object::Deployment(d), "pause") if d.spec.paused => {
            return Err(refuse("is already paused"))
        }
        (Object::Deployment(d), "resume") if !d.spec.paused => return Err(refuse("is not paused")),
        (Object::Deployment(d), "restart") if d.spec.paused => {
            return Err(refuse(
                "can't restart paused deployment (run rollout resume first)",
            ))
        }
        (Object::Deployment(d), "pause") => d.spec.paused = true,
        (Object::Deployment(d), "resume") => d.spec.paused = false,
        (Object::Deployment(d), _) => stamp(&mut d.spec.template)?,
        (Object::StatefulSet(s), "restart") => stamp(&mut s.spec.template)?,
        (_, "pause") => return Err(refuse("pausing is not supported")),
        (_, "resume") => return Err(refuse("resuming is not supported")),
        _ => return Err(refuse("restarting is not supported")),
    }
    let verb = match sub {
        "pause" => "paused",
        "resume" => "resumed",
        _ => "restarted",
    };
    match target.apply(Command::Replace(obj)) {
        Ok(_) => Ok(format!("{} {verb}\n", qualified_name(kind, name))),
        Err(e) => Err(sim_error_text(&e)),
    }
}

/// One look at the rollout, as kubectl's status viewer for the kind reports it.
fn rollout_status_once(
    sim: &crate::sim::Sim,
    kind: Kind,
    ns: &str,
    name: &str,
) -> Result<(String, bool), String> {
    if kind != Kind::StatefulSet {
        return crate::sim::rollout_status(sim.cluster(), ns, name)
            .map(|s| (s.message, s.done))
            .map_err(|e| sim_error_text(&e));
    }
    let Some(ss) = sim.cluster().get::<crate::model::StatefulSet>(ns, name) else {
        return Err(format!(
            "Error from server (NotFound): statefulsets.apps \"{name}\" not found\n"
        ));
    };
    statefulset_status(ss)
}

/// kubectl's StatefulSetStatusViewer, read from the status the StatefulSet controller writes
/// (without that controller, a set is never observed and the watch waits).
fn statefulset_status(ss: &crate::model::StatefulSet) -> Result<(String, bool), String> {
    let us = ss.spec.update_strategy.clone().unwrap_or_default();
    if us.type_ != "RollingUpdate" {
        return Err(
            "error: rollout status is only available for RollingUpdate strategy type\n".into(),
        );
    }
    let st = &ss.status;
    if st.observed_generation == 0 || ss.metadata.generation > st.observed_generation {
        return Ok((
            "Waiting for statefulset spec update to be observed...".into(),
            false,
        ));
    }
    let want = ss.replicas();
    if st.ready_replicas < want {
        let n = want - st.ready_replicas;
        return Ok((format!("Waiting for {n} pods to be ready..."), false));
    }
    if let Some(ru) = us.rolling_update {
        if let Some(p) = ru.partition {
            if st.updated_replicas < want - p {
                return Ok((
                    format!(
                        "Waiting for partitioned roll out to finish: {} out of {} new pods have been updated...",
                        st.updated_replicas,
                        want - p
                    ),
                    false,
                ));
            }
        }
        return Ok((
            format!(
                "partitioned roll out complete: {} new pods have been updated...",
                st.updated_replicas
            ),
            true,
        ));
    }
    if st.update_revision != st.current_revision {
        return Ok((
            format!(
                "waiting for statefulset rolling update to complete {} pods at revision {}...",
                st.updated_replicas, st.update_revision
            ),
            false,
        ));
    }
    Ok((
        format!(
            "statefulset rolling update complete {} pods at revision {}...",
            st.current_replicas, st.current_revision
        ),
        true,
    ))
}

/// `kubectl rollout status`: watches a rollout in simulated time, printing each new status
/// line, until it finishes. Without `--timeout` it stops after an hour of simulated time,
/// which a real terminal would only reach by Ctrl-C.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusWait {
    kind: Kind,
    namespace: String,
    name: String,
    /// `--watch=false` looks once.
    watch: bool,
    timeout: Option<u64>,
    last: String,
    waited: u64,
}

impl StatusWait {
    /// How often kubectl's watch sees the object here: once a simulated second.
    pub const EVERY_MS: u64 = 1_000;

    /// The longest it waits, in simulated ms.
    pub fn limit(&self) -> u64 {
        self.timeout.unwrap_or(3_600_000)
    }

    /// One look, `EVERY_MS` after the last: the new status line, and whether (and how) the
    /// command ended.
    pub fn poll(&mut self, sim: &crate::sim::Sim) -> (String, Option<bool>) {
        let (message, done) = match rollout_status_once(sim, self.kind, &self.namespace, &self.name)
        {
            Ok(s) => s,
            Err(e) => return (e, Some(false)),
        };
        let mut text = String::new();
        if message != self.last {
            text.push_str(&message);
            text.push('\n');
            self.last = message;
        }
        if done || !self.watch {
            return (text, Some(true));
        }
        if self.waited >= self.limit() {
            text.push_str(if self.timeout.is_some() {
                "error: timed out waiting for the condition\n"
            } else {
                "(still waiting after 1h of simulated time; kubectl would wait until interrupted)\n"
            });
            return (text, Some(false));
        }
        self.waited += Self::EVERY_MS;
        (text, None)
    }
}

/// `kubectl rollout history deployment/NAME --revision=N`: the revision's pod template.
fn revision_template(
    kind: Kind,
    name: &str,
    revision: i64,
    t: &crate::model::PodTemplateSpec,
) -> String {
    let mut w = Writer::new();
    w.line(
        0,
        &format!("{} with revision #{revision}", qualified_name(kind, name)),
    );
    pod_template(&mut w, t);
    w.finish()
}
