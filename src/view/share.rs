//! A run as text, for share links (base64url in the URL fragment) and the autosave.
//!
//! ```text
//! podlab-run 1
//! seed 42
//! workers 3
//! at <events> <ms>
//! file <name> <line count>
//! <lines ...>
//! editor <line count>
//! <lines ...>
//! line <events> <ms> <console line>
//! ```

use crate::sorted::SortedMap;

use super::session::{LoggedLine, Replay, Session};
use crate::sim::NodeConfig;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedRun {
    pub seed: u64,
    pub workers: u32,
    /// The nodes `kind` or `minikube` made (`cluster` in the text).
    pub nodes: Option<Vec<NodeConfig>>,
    /// Where the learner was: (events, ms).
    pub at: (u64, u64),
    pub files: SortedMap<String, String>,
    pub editor: String,
    pub lines: Vec<LoggedLine>,
}

const MAGIC: &str = "podlab-run 1";
const CONTROL_PLANE: &str = "node-role.kubernetes.io/control-plane";

impl SavedRun {
    pub fn of(session: &Session, editor: &str) -> SavedRun {
        SavedRun {
            seed: session.seed,
            workers: session.workers,
            nodes: session.nodes.clone(),
            at: session.position(),
            files: session.console.files.clone(),
            editor: editor.to_string(),
            lines: session.lines.clone(),
        }
    }

    /// Rebuilds the run this describes.
    pub fn session(&self) -> Session {
        self.session_with_output().0
    }

    /// Rebuilds the run, with what each logged line printed.
    pub fn session_with_output(&self) -> (Session, Vec<crate::console::Output>) {
        let (mut s, mut replay) = self.begin_replay();
        let outputs = s.finish_replay(&mut replay);
        (s, outputs)
    }

    /// The run's first state and its log to replay (`Session::replay_within`).
    pub fn begin_replay(&self) -> (Session, Replay) {
        Session::begin_replay(
            self.seed,
            self.workers,
            self.nodes.as_deref(),
            self.files.clone(),
            &self.lines,
            self.at,
        )
    }

    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{MAGIC}\nseed {}\nworkers {}\nat {} {}\n",
            self.seed, self.workers, self.at.0, self.at.1
        );
        if let Some(nodes) = &self.nodes {
            // `cluster NAME/ROLE ...`: cp a control plane with its NoSchedule taint, cp-open
            // one without (kind and minikube with no workers), w a worker.
            s.push_str("cluster");
            for n in nodes {
                let role = match (n.labels.contains_key(CONTROL_PLANE), n.taints.is_empty()) {
                    (true, false) => "cp",
                    (true, true) => "cp-open",
                    _ => "w",
                };
                s.push_str(&format!(" {}/{role}", n.name));
            }
            s.push('\n');
        }
        let block = |s: &mut String, head: String, body: &str| {
            let lines: Vec<&str> = body.split('\n').collect();
            s.push_str(&format!("{head} {}\n", lines.len()));
            for l in lines {
                s.push_str(l);
                s.push('\n');
            }
        };
        for (name, text) in &self.files {
            block(&mut s, format!("file {name}"), text);
        }
        block(&mut s, "editor".into(), &self.editor);
        for l in &self.lines {
            s.push_str(&format!("line {} {} {}\n", l.events, l.time, l.line));
        }
        s
    }

    pub fn from_text(text: &str) -> Result<SavedRun, String> {
        let mut it = text.split('\n');
        if it.next() != Some(MAGIC) {
            return Err("not a podlab run".into());
        }
        let mut run = SavedRun {
            seed: 0,
            workers: 3,
            nodes: None,
            at: (0, 0),
            files: SortedMap::new(),
            editor: String::new(),
            lines: Vec::new(),
        };
        let num = |s: Option<&str>| -> Result<u64, String> {
            s.and_then(|v| v.parse().ok())
                .ok_or_else(|| "a number is missing".to_string())
        };
        while let Some(line) = it.next() {
            let mut words = line.splitn(4, ' ');
            match words.next() {
                Some("seed") => run.seed = num(words.next())?,
                Some("workers") => {
                    run.workers = u32::try_from(num(words.next())?).map_err(|e| e.to_string())?
                }
                Some("at") => run.at = (num(words.next())?, num(words.next())?),
                Some("cluster") => {
                    let mut nodes = Vec::new();
                    for token in line.split(' ').skip(1).filter(|t| !t.is_empty()) {
                        let (name, role) = token.rsplit_once('/').ok_or("a bad cluster node")?;
                        nodes.push(match role {
                            "cp" => NodeConfig::control_plane(name),
                            "cp-open" => {
                                let mut n = NodeConfig::control_plane(name);
                                n.taints.clear();
                                n
                            }
                            "w" => NodeConfig::new(name),
                            _ => return Err(format!("unknown node role {role:?}")),
                        });
                    }
                    run.nodes = Some(nodes);
                }
                Some("file") | Some("editor") => {
                    let is_file = line.starts_with("file ");
                    let (name, count) = if is_file {
                        let rest = &line[5..];
                        let (name, n) = rest.rsplit_once(' ').ok_or("a file has no length")?;
                        (name.to_string(), n)
                    } else {
                        (String::new(), line[6..].trim())
                    };
                    let count: usize = count.parse().map_err(|_| "a bad line count")?;
                    let mut body = Vec::with_capacity(count);
                    for _ in 0..count {
                        body.push(it.next().ok_or("a block is cut short")?);
                    }
                    let body = body.join("\n");
                    if is_file {
                        run.files.insert(name, body);
                    } else {
                        run.editor = body;
                    }
                }
                Some("line") => {
                    let events = num(words.next())?;
                    let time = num(words.next())?;
                    let line = words.next().unwrap_or("").to_string();
                    run.lines.push(LoggedLine { events, time, line });
                }
                Some("") | None => {}
                Some(other) => return Err(format!("unknown entry {other:?}")),
            }
        }
        Ok(run)
    }

    /// The URL fragment payload: base64url of the text.
    pub fn to_fragment(&self) -> String {
        format!("run={}", base64url_encode(self.to_text().as_bytes()))
    }

    /// Reads `run=...` (with or without the leading `#`).
    pub fn from_fragment(fragment: &str) -> Result<SavedRun, String> {
        let payload = fragment
            .trim_start_matches('#')
            .strip_prefix("run=")
            .ok_or("the link holds no run")?;
        let bytes = base64url_decode(payload).ok_or("the link is damaged")?;
        let text = String::from_utf8(bytes).map_err(|_| "the link is damaged")?;
        SavedRun::from_text(&text)
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5): safe in a URL fragment as is.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let v = ALPHABET.iter().position(|a| *a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        let data: Vec<u8> = (0..=255u8).collect();
        for n in 0..40 {
            let enc = base64url_encode(&data[..n]);
            assert!(!enc.contains(['+', '/', '=']));
            assert_eq!(base64url_decode(&enc).unwrap(), &data[..n]);
        }
        assert_eq!(base64url_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url_encode(b"fo"), "Zm8");
        assert_eq!(base64url_decode("Zm8").unwrap(), b"fo");
        assert!(base64url_decode("a+b").is_none());
    }

    #[test]
    fn a_run_round_trips_through_text_and_fragment() {
        let mut files = SortedMap::new();
        files.insert("a.yaml".to_string(), "kind: Pod\n\n# é\n".to_string());
        files.insert("my file.yaml".to_string(), String::new());
        let mut open = crate::sim::NodeConfig::control_plane("minikube");
        open.taints.clear();
        let run = SavedRun {
            seed: 77,
            workers: 4,
            nodes: Some(vec![
                crate::sim::NodeConfig::control_plane("kind-control-plane"),
                crate::sim::NodeConfig::new("kind-worker"),
                open,
            ]),
            at: (1200, 421_000),
            files,
            editor: "line 1\nline 2 with line 3 inside\n".into(),
            lines: vec![
                LoggedLine {
                    events: 0,
                    time: 0,
                    line: "kubectl apply -f a.yaml".into(),
                },
                LoggedLine {
                    events: 17,
                    time: 60_000,
                    line: "lab partition node-2".into(),
                },
            ],
        };
        assert_eq!(SavedRun::from_text(&run.to_text()).unwrap(), run);
        let frag = format!("#{}", run.to_fragment());
        assert_eq!(SavedRun::from_fragment(&frag).unwrap(), run);
        assert!(SavedRun::from_fragment("#run=@@").is_err());
        assert!(SavedRun::from_text("hello").is_err());
    }

    #[test]
    fn a_shared_run_reproduces_the_same_state() {
        let mut s = Session::new(11, 3);
        let yaml = include_str!("../../exercises/stateless.yaml");
        s.apply_text("stateless.yaml", yaml);
        s.run_for(30_000);
        s.run("lab partition node-1");
        s.run_for(400_000);
        let link = SavedRun::of(&s, yaml).to_fragment();
        let back = SavedRun::from_fragment(&link).unwrap();
        assert_eq!(back.editor, yaml);
        let r = back.session();
        assert_eq!(r.sim().trace().digest(), s.sim().trace().digest());
        assert_eq!(r.sim().now(), 430_000);
    }
}
