//! `kubectl drain` as a client inside the simulation: it cordons, evicts, retries every 5 s on
//! a 429 and polls every second until each pod is gone, in simulated time (ref §6.3). What it
//! prints goes to `Sim::client_output`, stamped with the time it printed.

use crate::sorted::SortedMap;

use crate::model::{go_duration, Kind, Node, ObjectRef, Pod, Selector, Shared};

use super::api::{ApiError, DeleteOptions};
use super::trace::Actor;
use super::{Event, Outcome, Sim, SimError};

const RETRY_MS: u64 = 5_000;
const POLL_MS: u64 = 1_000;

/// The flags of `kubectl drain` that podlab models.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DrainOptions {
    pub ignore_daemonsets: bool,
    pub delete_emptydir_data: bool,
    pub force: bool,
    /// `--grace-period`; None is kubectl's -1: each pod's own terminationGracePeriodSeconds.
    pub grace_period_seconds: Option<i64>,
    /// `--timeout`; 0 waits forever.
    pub timeout_ms: u64,
    pub disable_eviction: bool,
    /// `--pod-selector`.
    pub pod_selector: Option<String>,
}

impl DrainOptions {
    /// The flags as kubectl would be typed, for the trace and the command log.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        let mut flag = |on: bool, f: &str| {
            if on {
                s.push(' ');
                s.push_str(f);
            }
        };
        flag(self.ignore_daemonsets, "--ignore-daemonsets");
        flag(self.delete_emptydir_data, "--delete-emptydir-data");
        flag(self.force, "--force");
        flag(self.disable_eviction, "--disable-eviction");
        if let Some(g) = self.grace_period_seconds {
            s.push_str(&format!(" --grace-period={g}"));
        }
        if self.timeout_ms > 0 {
            s.push_str(&format!(" --timeout={}", go_duration(self.timeout_ms)));
        }
        if let Some(sel) = &self.pod_selector {
            s.push_str(&format!(" --pod-selector={sel}"));
        }
        s
    }
}

/// One line a client printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientLine {
    /// Simulated milliseconds.
    pub time: u64,
    /// The command that printed it: `kubectl drain node-1`.
    pub client: String,
    pub text: String,
}

/// Consecutive lines of one command at one time, joined: how consoles show them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientBlock {
    pub time: u64,
    pub client: String,
    /// The lines, each ending in a newline.
    pub text: String,
}

/// Groups lines into blocks by time and command, keeping their order.
pub fn blocks(lines: &[ClientLine]) -> Vec<ClientBlock> {
    let mut out: Vec<ClientBlock> = Vec::new();
    for l in lines {
        match out.last_mut() {
            Some(b) if b.time == l.time && b.client == l.client => {}
            _ => out.push(ClientBlock {
                time: l.time,
                client: l.client.clone(),
                text: String::new(),
            }),
        }
        let b = out.last_mut().expect("just pushed");
        b.text.push_str(&l.text);
        b.text.push('\n');
    }
    out
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum PodState {
    /// Ask the eviction API (or delete) at the next step.
    Evict,
    /// Evicted; poll until the pod (this uid) is gone.
    Wait,
    Done,
    Failed,
}

#[derive(Clone, Debug)]
struct DrainPod {
    pod: ObjectRef,
    uid: crate::model::Name,
    state: PodState,
}

#[derive(Clone, Debug)]
pub(crate) struct DrainJob {
    node: String,
    client: String,
    opts: DrainOptions,
    deadline: Option<u64>,
    pods: Vec<DrainPod>,
    errors: Vec<String>,
}

/// Client commands that run on after they were typed.
#[derive(Clone, Debug, Default)]
pub(crate) struct Clients {
    pub output: Vec<ClientLine>,
    drains: SortedMap<u64, DrainJob>,
    next_id: u64,
}

/// Why drain will not touch a pod, or warns about it (upstream's filter messages, ref §6.3).
const LOCAL_STORAGE_FATAL: &str =
    "Pods with local storage (use --delete-emptydir-data to override)";
const LOCAL_STORAGE_WARNING: &str = "deleting Pods with local storage";
const UNMANAGED_FATAL: &str = "Pods that declare no controller (use --force to override)";
const UNMANAGED_WARNING: &str = "deleting Pods that declare no controller";

enum Verdict {
    Delete,
    Warn(&'static str),
    Fatal(&'static str),
}

/// `GetPodsForDeletion`'s filters for one pod.
fn verdict(pod: &Pod, opts: &DrainOptions) -> Verdict {
    if pod.is_terminal() {
        return Verdict::Delete;
    }
    let mut warn = None;
    if pod.spec.volumes.iter().any(|v| v.empty_dir.is_some()) {
        if !opts.delete_emptydir_data {
            return Verdict::Fatal(LOCAL_STORAGE_FATAL);
        }
        warn = Some(LOCAL_STORAGE_WARNING);
    }
    if pod.metadata.controller_ref().is_none() {
        if !opts.force {
            return Verdict::Fatal(UNMANAGED_FATAL);
        }
        warn = Some(UNMANAGED_WARNING);
    }
    warn.map_or(Verdict::Delete, Verdict::Warn)
}

/// The pods drain would remove from `node`, plus its grouped errors and warnings.
fn pods_for_deletion(
    sim: &Sim,
    node: &str,
    opts: &DrainOptions,
    selector: &Selector,
) -> (Vec<Pod>, Vec<String>, Vec<String>) {
    let mut pods: Vec<&Pod> = sim
        .api
        .pods_on_node(node)
        .filter(|p| selector.matches(&p.metadata.labels))
        .collect();
    crate::sort::sort_by(&mut pods, |a, b| {
        (&a.metadata.namespace, &a.metadata.name).cmp(&(&b.metadata.namespace, &b.metadata.name))
    });
    let mut keep = Vec::new();
    let mut fatal: SortedMap<&str, Vec<String>> = SortedMap::new();
    let mut warn: SortedMap<&str, Vec<String>> = SortedMap::new();
    for p in pods {
        let id = format!("{}/{}", p.metadata.namespace, p.metadata.name);
        match verdict(p, opts) {
            Verdict::Delete => keep.push(p.clone()),
            Verdict::Warn(m) => {
                warn.entry(m).or_default().push(id);
                keep.push(p.clone());
            }
            Verdict::Fatal(m) => fatal.entry(m).or_default().push(id),
        }
    }
    let errors = fatal
        .into_iter()
        .map(|(m, pods)| format!("cannot delete {m}: {}", pods.join(", ")))
        .collect();
    let warnings = warn
        .into_iter()
        .map(|(m, pods)| format!("{m}: {}", pods.join(", ")))
        .collect();
    (keep, errors, warnings)
}

/// utilerrors.NewAggregate's text: one error alone, several in brackets.
fn aggregate(errors: &[String]) -> String {
    match errors {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

impl Sim {
    /// Everything client commands have printed so far, oldest first.
    pub fn client_output(&self) -> &[ClientLine] {
        &self.clients.output
    }

    /// Stops every running drain, as Ctrl-C would; returns the commands stopped. Cordons stay,
    /// and evictions already accepted go on, as on a real cluster.
    pub(crate) fn interrupt_clients(&mut self) -> Vec<String> {
        let jobs = std::mem::take(&mut self.clients.drains);
        jobs.into_values().map(|j| j.client).collect()
    }

    /// Whether a drain is still running.
    pub fn drains_running(&self) -> usize {
        self.clients.drains.len()
    }

    fn print(&mut self, client: &str, text: String) {
        let time = self.now;
        self.clients.output.push(ClientLine {
            time,
            client: client.to_string(),
            text,
        });
    }

    /// Starts `kubectl drain NODE`; `Outcome::Client { ok: false }` when it stopped at once with
    /// an error (the node stays cordoned, as kubectl leaves it).
    pub(crate) fn start_drain(
        &mut self,
        actor: &Actor,
        node: &str,
        opts: DrainOptions,
    ) -> Result<Outcome, SimError> {
        let selector = match &opts.pod_selector {
            Some(s) => Selector::parse(s).map_err(|e| SimError::Invalid(e.to_string()))?,
            None => Selector::everything(),
        };
        let Some(mut n) = self.api.get::<Node>("", node).cloned() else {
            return Err(SimError::Api(ApiError::NotFound {
                kind: Kind::Node,
                name: node.to_string(),
            }));
        };
        let client = format!("kubectl drain {node}");
        if n.spec.unschedulable {
            self.print(&client, format!("node/{node} already cordoned"));
        } else {
            n.spec.unschedulable = true;
            self.api_update(
                actor,
                None,
                crate::model::Object::Node(Shared::new(n)),
                &format!("cordoned node {node}"),
                "kubectl drain",
            )?;
            self.print(&client, format!("node/{node} cordoned"));
        }
        let (pods, errors, warnings) = pods_for_deletion(self, node, &opts, &selector);
        if !errors.is_empty() {
            let err = aggregate(&errors);
            self.fail_node(&client, node, &err);
            return Ok(Outcome::Client { ok: false });
        }
        if !warnings.is_empty() {
            self.print(&client, format!("Warning: {}", warnings.join("; ")));
        }
        if pods.is_empty() {
            self.print(&client, format!("node/{node} drained"));
            return Ok(Outcome::Client { ok: true });
        }
        let id = self.clients.next_id;
        self.clients.next_id += 1;
        let deadline = (opts.timeout_ms > 0).then(|| self.now + opts.timeout_ms);
        let job = DrainJob {
            node: node.to_string(),
            client,
            opts,
            deadline,
            pods: pods
                .iter()
                .map(|p| DrainPod {
                    pod: ObjectRef::new(Kind::Pod, &p.metadata.namespace, &p.metadata.name),
                    uid: p.metadata.uid.clone(),
                    state: PodState::Evict,
                })
                .collect(),
            errors: Vec::new(),
        };
        let count = job.pods.len();
        self.clients.drains.insert(id, job);
        // Upstream evicts every pod at once, each in its own goroutine.
        for pod in 0..count {
            self.drain_step(id, pod);
        }
        Ok(Outcome::Client { ok: true })
    }

    /// `RunDrain`'s closing lines for a node it could not drain.
    fn fail_node(&mut self, client: &str, node: &str, err: &str) {
        self.print(
            client,
            format!(
                "error: unable to drain node {node:?} due to error: {err}, continuing command..."
            ),
        );
        self.print(client, "There are pending nodes to be drained:".into());
        self.print(client, format!(" {node}"));
        self.print(client, format!("error: {err}"));
    }

    /// One step of one pod's eviction: an attempt, or a poll for its deletion.
    pub(crate) fn drain_step(&mut self, id: u64, index: usize) {
        let Some(job) = self.clients.drains.get(&id) else {
            return;
        };
        let Some(dp) = job.pods.get(index).cloned() else {
            return;
        };
        let (client, opts, deadline) = (job.client.clone(), job.opts.clone(), job.deadline);
        let (ns, name) = (dp.pod.namespace.clone(), dp.pod.name.clone());
        let timed_out = deadline.is_some_and(|d| self.now >= d);
        let timeout = go_duration(opts.timeout_ms);
        let next = match dp.state {
            PodState::Done | PodState::Failed => return,
            PodState::Evict if timed_out => Err(format!(
                "error when evicting pods/{name:?} -n {ns:?}: global timeout reached: {timeout}"
            )),
            PodState::Evict => self.drain_evict(&client, &dp, &opts),
            PodState::Wait => {
                let gone = self
                    .api
                    .get::<Pod>(&ns, &name)
                    .is_none_or(|p| p.metadata.uid != dp.uid);
                if gone {
                    let verb = if opts.disable_eviction {
                        "deleted"
                    } else {
                        "evicted"
                    };
                    self.print(&client, format!("pod/{name} {verb}"));
                    Ok(PodState::Done)
                } else if timed_out {
                    Err(format!("error when waiting for pod {name:?} in namespace {ns:?} to terminate: global timeout reached: {timeout}"))
                } else {
                    Ok(PodState::Wait)
                }
            }
        };
        let state = match next {
            Ok(s) => s,
            Err(e) => {
                if let Some(job) = self.clients.drains.get_mut(&id) {
                    job.errors.push(e);
                }
                PodState::Failed
            }
        };
        let delay = match state {
            PodState::Evict => Some(RETRY_MS),
            PodState::Wait => Some(POLL_MS),
            PodState::Done | PodState::Failed => None,
        };
        if let Some(job) = self.clients.drains.get_mut(&id) {
            job.pods[index].state = state;
        }
        if let Some(d) = delay {
            // A deadline cuts the wait short, as the global context does upstream.
            let at = (self.now + d).min(deadline.unwrap_or(u64::MAX).max(self.now + 1));
            self.schedule_at(
                at,
                Event::Drain {
                    job: id,
                    pod: index,
                },
            );
        } else {
            self.drain_finish(id);
        }
    }

    /// Asks for one eviction (or a delete with `--disable-eviction`).
    fn drain_evict(
        &mut self,
        client: &str,
        dp: &DrainPod,
        opts: &DrainOptions,
    ) -> Result<PodState, String> {
        let (ns, name) = (&*dp.pod.namespace, dp.pod.name.as_str());
        let delete = DeleteOptions {
            grace_period_seconds: opts.grace_period_seconds,
            ..DeleteOptions::default()
        };
        let actor = Actor::User;
        let result = if opts.disable_eviction {
            self.print(client, format!("deleting pod {ns}/{name}"));
            self.api_delete(&actor, None, &dp.pod, &delete, "kubectl drain")
        } else {
            self.print(client, format!("evicting pod {ns}/{name}"));
            self.api_evict(&actor, ns, name, &delete)
        };
        match result {
            Ok(_) => {
                // PollImmediate: the first check is right away.
                let gone = self
                    .api
                    .get::<Pod>(ns, name)
                    .is_none_or(|p| p.metadata.uid != dp.uid);
                Ok(if gone {
                    let verb = if opts.disable_eviction {
                        "deleted"
                    } else {
                        "evicted"
                    };
                    self.print(client, format!("pod/{name} {verb}"));
                    PodState::Done
                } else {
                    PodState::Wait
                })
            }
            Err(ApiError::NotFound { .. }) => Ok(PodState::Done),
            Err(e @ ApiError::TooManyRequests { .. }) => {
                self.print(
                    client,
                    format!(
                        "error when evicting pods/{name:?} -n {ns:?} (will retry after 5s): {e}"
                    ),
                );
                Ok(PodState::Evict)
            }
            Err(e) => Err(format!("error when evicting pods/{name:?} -n {ns:?}: {e}")),
        }
    }

    /// Ends the job once every pod is done or failed, with kubectl's closing lines.
    fn drain_finish(&mut self, id: u64) {
        let Some(job) = self.clients.drains.get(&id) else {
            return;
        };
        if job
            .pods
            .iter()
            .any(|p| matches!(p.state, PodState::Evict | PodState::Wait))
        {
            return;
        }
        let job = self.clients.drains.remove(&id).expect("present");
        if job.errors.is_empty() {
            self.print(&job.client, format!("node/{} drained", job.node));
            return;
        }
        let err = aggregate(&job.errors);
        let selector = job
            .opts
            .pod_selector
            .as_deref()
            .and_then(|s| Selector::parse(s).ok())
            .unwrap_or_else(Selector::everything);
        let (pending, _, _) = pods_for_deletion(self, &job.node, &job.opts, &selector);
        if !pending.is_empty() {
            self.print(
                &job.client,
                format!(
                    "There are pending pods in node {:?} when an error occurred: {err}",
                    job.node
                ),
            );
            for p in pending {
                self.print(&job.client, format!("pod/{}", p.metadata.name));
            }
        }
        self.fail_node(&job.client, &job.node, &err);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(time: u64, client: &str, text: &str) -> ClientLine {
        ClientLine {
            time,
            client: client.into(),
            text: text.into(),
        }
    }

    #[test]
    fn blocks_group_by_time_and_command_in_order() {
        let lines = [
            line(5, "kubectl drain a", "x"),
            line(5, "kubectl drain a", "y"),
            line(5, "kubectl drain b", "z"),
            line(9, "kubectl drain a", "w"),
        ];
        let b = blocks(&lines);
        assert_eq!(b.len(), 3);
        assert_eq!((b[0].time, b[0].text.as_str()), (5, "x\ny\n"));
        assert_eq!(
            (b[1].client.as_str(), b[1].text.as_str()),
            ("kubectl drain b", "z\n")
        );
        assert_eq!((b[2].time, b[2].text.as_str()), (9, "w\n"));
        assert!(blocks(&[]).is_empty());
    }

    #[test]
    fn aggregate_prints_like_utilerrors() {
        assert_eq!(aggregate(&["a".into()]), "a");
        assert_eq!(aggregate(&["a".into(), "b".into()]), "[a, b]");
    }
}
