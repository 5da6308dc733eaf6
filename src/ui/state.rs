//! The root reducer: one `LabState`, changed only through `Action`s that mirror user intents.

use std::cell::RefCell;
use std::rc::Rc;

use yew::{AttrValue, Reducible};

use crate::view::editor::{diagnose, EditorDiag};
use crate::view::exercises::{console_files, starter};
use crate::view::panels::{screen, Screen};
use crate::view::route::Pattern;
use crate::view::session::{
    change_notice, nothing_changes_notice, Replay, Search, Session, Snapshot,
};
use crate::view::share::SavedRun;

/// The state panels beside the cluster view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    Pods,
    Storage,
    StatefulSets,
    Dns,
    Locks,
    Events,
}

impl Panel {
    pub const ALL: [Panel; 6] = [
        Panel::Pods,
        Panel::Storage,
        Panel::StatefulSets,
        Panel::Dns,
        Panel::Locks,
        Panel::Events,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Panel::Pods => "Pods",
            Panel::Storage => "Storage",
            Panel::StatefulSets => "StatefulSets",
            Panel::Dns => "DNS",
            Panel::Locks => "Locks",
            Panel::Events => "Events",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Panel::Pods => "pods",
            Panel::Storage => "storage",
            Panel::StatefulSets => "statefulsets",
            Panel::Dns => "dns",
            Panel::Locks => "locks",
            Panel::Events => "events",
        }
    }

    /// What the panel shows while it has nothing to list.
    pub fn empty_text(self) -> &'static str {
        match self {
            Panel::Pods => "No pods yet. Apply a manifest and the pods will be listed as kubectl prints them.",
            Panel::Storage => "Claims, volumes and the node each volume is attached to will be listed here, with their binding.",
            Panel::StatefulSets => "No StatefulSets yet. Each will be shown as a ladder of ordinals: what the controller waits for, each pod's revision, claim and files, and the processes that really run for it.",
            Panel::Dns => "No Services yet. The records cluster DNS serves for each Service will be listed here, the way dig answers them.",
            Panel::Locks => crate::view::locks::NO_LOCKS,
            Panel::Events => "Every change will be listed here with its time, the actor that made it, and the reason.",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

pub use crate::view::scrollback::ConsoleEntry;
use crate::view::scrollback::{background_entries, drop_future};

/// The run before the last change, and the console as it was then: Undo restores both.
pub struct Undo {
    pub run: Snapshot,
    pub console: Rc<Vec<ConsoleEntry>>,
}

/// Texts up to this size are checked on every keystroke (a few ms); longer ones when typing
/// pauses, since checking 50,000 lines takes about 100 ms in the browser.
const DIAGNOSE_AT_ONCE_BYTES: usize = 64 * 1024;
/// How long typing must pause before a long text is checked.
pub const DIAGNOSE_PAUSE_MS: u32 = 400;

/// How much scrollback the console keeps.
const SCROLLBACK: usize = 200;
/// How far "next change" looks ahead before it stops anyway. Ten minutes covers the longest
/// quiet stretch of the stories (the 300 s toleration after NotReady); the session also stops
/// after a bounded number of heartbeat-only events, so a big cluster answers one click fast.
pub const STEP_LIMIT_MS: u64 = 600_000;
/// How many changes Undo can take back.
const UNDO_STEPS: usize = 50;
/// The speed a lab starts at before the learner chooses one.
pub const DEFAULT_SPEED: u32 = 20;
/// One timer tick never runs more than this much wall time (a background tab wakes late).
const MAX_TICK_MS: u64 = 250;

/// Wall-clock ms of engine work per frame before the page yields to the browser (issue 16):
/// with the 40 ms play clock, input is handled between frames however large the cluster.
const FRAME_BUDGET_MS: f64 = 12.0;

/// While the run catches up, the page redraws at most this often (wall ms).
const CATCH_UP_PAINT_MS: f64 = 250.0;

/// The click on "Next change" searches this long (wall ms) before the rest goes a frame at a
/// time: most searches end within it, as one step.
const FIRST_SEARCH_MS: f64 = 50.0;

/// A frame's worth of engine work: true while there is time left in this frame.
fn frame_budget() -> impl FnMut() -> bool {
    budget(FRAME_BUDGET_MS)
}

/// True while less than `ms` of wall time has passed since it was made.
fn budget(ms: f64) -> impl FnMut() -> bool {
    let start = js_sys::Date::now();
    move || js_sys::Date::now() - start < ms
}

#[derive(Clone)]
pub struct LabState {
    /// `None` when the address names no page of the lab.
    pub pattern: Option<Pattern>,
    pub panel: Panel,
    /// The run. Shared between state versions and changed in place by `reduce`, because a
    /// Timeline holds many checkpoints; `rev` changes whenever it does.
    pub session: Rc<RefCell<Session>>,
    pub rev: u64,
    /// The runs as they were before the last changes that forked or added to it, latest last.
    pub undo: Vec<Rc<Undo>>,
    pub editor: Rc<str>,
    pub diags: Rc<Vec<EditorDiag>>,
    /// `diags` describe an older text: a long text is checked once typing pauses.
    pub diags_stale: bool,
    pub console: Rc<Vec<ConsoleEntry>>,
    /// How many of the sim's client lines the console has shown (or skipped over by a seek).
    pub client_lines: usize,
    pub playing: bool,
    /// A simulated time the run is still working toward, a frame's worth of engine work at a
    /// time (a tick that fell behind, or a seek), so the page stays responsive (issue 16).
    pub behind: Option<u64>,
    /// A "Next change" search still under way, a frame's worth at a time (issue 16).
    pub searching: Option<Rc<RefCell<Search<Screen>>>>,
    /// A saved run (a page load) or an Undo's run being rebuilt from its log, a frame's worth
    /// at a time (issue 16), and whether its lines print in the console again.
    pub restoring: Option<Rc<RefCell<(Replay, bool)>>>,
    /// When (wall ms) the run on screen was last redrawn while catching up: drawing a large
    /// cluster costs more than the engine's frame, so catching up redraws 4 times a second.
    /// Not part of equality: it never asks for a redraw itself.
    pub painted: f64,
    /// Simulated ms per wall ms.
    pub speed: u32,
    pub event_filter: String,
    /// The last share link made.
    pub share: Option<String>,
    /// The share link the learner closed, and the one copied, while its box was up: both are
    /// forgotten when the link is (as the box's own state was when it went away).
    pub share_closed: Option<String>,
    pub share_copied: Option<String>,
    /// A one-line message about the last change (a fork, a restored run).
    pub notice: Option<String>,
    /// `None` follows the system's preference.
    pub theme: Option<Theme>,
    /// The run came from someone else's share link: it is kept in its own slot, beside the
    /// learner's own work, until the learner chooses to keep it.
    pub shared: bool,
    /// Another tab saved different work for this page: this tab stops saving over it until
    /// the learner chooses which to keep.
    pub newer_elsewhere: bool,
    /// `kubectl edit` put an object in the editor: the file Apply saves it as, and the
    /// editor's text from before, which comes back once the save succeeds.
    pub editing: Option<(String, Rc<str>)>,
    /// The exercise panel's "What to try" list is open. Kept here, not in a component of its
    /// own: it lasts as that panel did, across pages, and is closed after a page without one.
    pub steps_open: bool,
    /// The node or pod whose actions menu is open (`node node-2`): one at a time, kept here so
    /// the menus are plain functions, not components.
    pub menu: Option<AttrValue>,
}

impl PartialEq for LabState {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.session, &o.session)
            && self.rev == o.rev
            && self.pattern == o.pattern
            && self.panel == o.panel
            && self.undo.len() == o.undo.len()
            && self.editor == o.editor
            && Rc::ptr_eq(&self.diags, &o.diags)
            && self.diags_stale == o.diags_stale
            && Rc::ptr_eq(&self.console, &o.console)
            && self.client_lines == o.client_lines
            && self.playing == o.playing
            && self.behind == o.behind
            && self.searching.is_some() == o.searching.is_some()
            && self.restoring.is_some() == o.restoring.is_some()
            && self.speed == o.speed
            && self.event_filter == o.event_filter
            && self.share == o.share
            && self.share_closed == o.share_closed
            && self.share_copied == o.share_copied
            && self.notice == o.notice
            && self.theme == o.theme
            && self.shared == o.shared
            && self.newer_elsewhere == o.newer_elsewhere
            && self.editing == o.editing
            && self.steps_open == o.steps_open
            && self.menu == o.menu
    }
}

/// Where a new lab comes from.
pub struct Start {
    pub pattern: Option<Pattern>,
    pub seed: u64,
    pub workers: u32,
    /// A share link's run, or the autosave.
    pub saved: Option<SavedRun>,
    pub notice: Option<String>,
    pub theme: Option<Theme>,
    /// `saved` is someone else's run, from a share link.
    pub shared: bool,
    /// Simulated ms per wall ms, as the learner last chose.
    pub speed: u32,
}

pub const DEFAULT_SEED: u64 = 42;
pub const DEFAULT_WORKERS: u32 = 3;

impl LabState {
    pub fn new(start: Start) -> Self {
        // A restored run's console shows its logged lines again, as they print on replay; the
        // replay goes on a frame at a time after its first piece (`restore_on`).
        let mut restoring = None;
        let (session, editor, console) = match start.saved {
            Some(run) => {
                let (session, replay) = run.begin_replay();
                restoring = Some(Rc::new(RefCell::new((replay, true))));
                (session, run.editor.clone(), Vec::new())
            }
            None => {
                let text = start.pattern.map_or("", |p| starter(p).1);
                let mut session = Session::new(start.seed, start.workers);
                for (name, file) in start.pattern.map_or(&[][..], console_files) {
                    session.add_file(name, file);
                }
                (session, text.to_string(), Vec::new())
            }
        };
        let diags = diagnose(&editor, &session.cluster_objects());
        let client_lines = session.sim().client_output().len();
        let mut state = LabState {
            pattern: start.pattern,
            panel: Panel::Pods,
            session: Rc::new(RefCell::new(session)),
            rev: 0,
            undo: Vec::new(),
            editor: editor.into(),
            diags: Rc::new(diags),
            diags_stale: false,
            console: Rc::new(console),
            client_lines,
            playing: false,
            behind: None,
            searching: None,
            restoring,
            painted: 0.0,
            speed: start.speed.clamp(1, 100),
            event_filter: String::new(),
            share: None,
            share_closed: None,
            share_copied: None,
            notice: start.notice,
            theme: start.theme,
            shared: start.shared,
            newer_elsewhere: false,
            editing: None,
            steps_open: false,
            menu: None,
        };
        state.restore_on(FIRST_SEARCH_MS);
        state
    }

    /// The file name the editor applies as.
    pub fn file_name(&self) -> &'static str {
        self.pattern.map_or("manifest.yaml", |p| starter(p).0)
    }

    /// The run to save or share: while it is being restored, the whole run being rebuilt.
    pub fn saved_run(&self) -> SavedRun {
        let mut run = SavedRun::of(&self.session.borrow(), &self.editor);
        if let Some(r) = &self.restoring {
            let (replay, _) = &*r.borrow();
            run.lines = replay.lines.clone();
            run.at = replay.then;
        }
        run
    }

    /// Goes on rebuilding a restored run for `budget_ms`, printing its lines if asked; once it
    /// is whole, the console skips what its programs printed on the way, as a seek does.
    fn restore_on(&mut self, budget_ms: f64) {
        let Some(restoring) = self.restoring.clone() else {
            return;
        };
        let mut entries = Vec::new();
        let done = {
            let (replay, echo) = &mut *restoring.borrow_mut();
            let echo = *echo;
            self.session.borrow_mut().replay_within(
                replay,
                &mut budget(budget_ms),
                &mut |l, out| {
                    if echo {
                        entries.push(ConsoleEntry {
                            line: l.line.clone(),
                            text: out.text,
                            ok: out.ok,
                            at: l.time,
                            background: false,
                        });
                    }
                },
            )
        };
        for e in entries {
            self.push_entry(e);
        }
        let now = js_sys::Date::now();
        if done {
            self.restoring = None;
            self.client_lines = self.session.borrow().sim().client_output().len();
            self.rediagnose();
        } else if now - self.painted < CATCH_UP_PAINT_MS {
            return;
        }
        self.painted = now;
        self.bump();
    }

    fn echo(&mut self, line: String, text: String, ok: bool) {
        let at = self.session.borrow().sim().now();
        self.push_entry(ConsoleEntry {
            line,
            text,
            ok,
            at,
            background: false,
        });
    }

    fn push_entry(&mut self, entry: ConsoleEntry) {
        let log = Rc::make_mut(&mut self.console);
        log.push(entry);
        if log.len() > SCROLLBACK {
            log.drain(..log.len() - SCROLLBACK);
        }
    }

    /// Shows what running commands printed while time moved forward, grouped by command and
    /// time. A seek shows nothing: it only moves the mark, so scrubbing does not repeat lines.
    fn show_background(&mut self, moved_forward: bool) {
        let entries = {
            let s = self.session.borrow();
            let all = s.sim().client_output();
            let seen = self.client_lines.min(all.len());
            let new = if moved_forward {
                background_entries(&all[seen..])
            } else {
                Vec::new()
            };
            self.client_lines = all.len();
            new
        };
        for entry in entries {
            self.push_entry(entry);
        }
    }

    /// Shows what the open watch printed as time moved forward; a seek only moves its mark.
    fn show_watch(&mut self, moved_forward: bool) {
        let printed = {
            let mut s = self.session.borrow_mut();
            if moved_forward {
                s.watch_output()
            } else {
                s.skip_watch();
                s.watched.clear();
                Vec::new()
            }
        };
        for (at, line, text, ok) in printed {
            self.push_entry(ConsoleEntry {
                line,
                text,
                ok,
                at,
                background: true,
            });
        }
    }

    /// Runs a change to the run, keeping the previous run for one undo when it changed.
    /// One copy for all callers (`dyn`): a generic closure parameter put the whole body into
    /// each caller.
    fn change(&mut self, f: &mut dyn FnMut(&mut Session) -> (String, String, bool)) {
        let before = self.session.borrow().snapshot();
        let console_before = self.console.clone();
        let (line, text, ok) = f(&mut self.session.borrow_mut());
        let s = self.session.borrow();
        let after = s.snapshot();
        let changed = after.lines != before.lines
            || after.horizon != before.horizon
            || after.nodes != before.nodes;
        let forked = changed && before.horizon > before.at;
        let at = before.at.1;
        drop(s);
        if changed {
            if forked {
                drop_future(Rc::make_mut(&mut self.console), at);
            }
            self.push_undo(Undo {
                run: before,
                console: console_before,
            });
            self.notice = Some(change_notice(&line, at, forked));
        }
        self.echo(line, text, ok);
        // The command printed its own lines; later ones show as time runs.
        self.client_lines = self.session.borrow().sim().client_output().len();
        self.show_watch(true);
        self.bump();
    }

    fn push_undo(&mut self, undo: Undo) {
        self.undo.push(Rc::new(undo));
        if self.undo.len() > UNDO_STEPS {
            self.undo.remove(0);
        }
    }

    /// `budget_ms` of the "Next change" search under way.
    fn search_on(&mut self, budget_ms: f64) {
        let Some(search) = self.searching.clone() else {
            return;
        };
        let (panel, filter) = (self.panel.id(), self.event_filter.clone());
        let found = self.session.borrow_mut().go_on_searching(
            &mut search.borrow_mut(),
            |sim| screen(sim, panel, &filter),
            &mut budget(budget_ms),
        );
        match found {
            None => {}
            Some(moved) => {
                self.searching = None;
                if moved {
                    self.show_background(true);
                    self.show_watch(true);
                } else {
                    self.notice = Some(nothing_changes_notice(STEP_LIMIT_MS));
                }
                self.bump();
            }
        }
    }

    fn bump(&mut self) {
        self.rev += 1;
        self.forget_share();
    }

    /// Stops play, a catch-up and a search. A catch-up draws only every `CATCH_UP_PAINT_MS`,
    /// so what it ran since is drawn now: the screen and the autosave hold where it stopped
    /// (a reload after a Pause mid-command restored an earlier point, some hundred pods short).
    fn stop(&mut self) {
        let moved = self.behind.is_some() || self.searching.is_some();
        self.playing = false;
        self.behind = None;
        self.searching = None;
        if moved {
            self.bump();
        }
    }

    /// No share link any more: its box goes, with what was closed or copied in it.
    fn forget_share(&mut self) {
        self.share = None;
        self.share_closed = None;
        self.share_copied = None;
    }

    fn rediagnose(&mut self) {
        let objects = self.session.borrow().cluster_objects();
        self.diags = Rc::new(diagnose(&self.editor, &objects));
        self.diags_stale = false;
    }
}

pub enum Action {
    /// The share box's Copy: the link copied, or None when the browser refused.
    ShareCopied(Option<String>),
    /// The share box was closed (its ✕ or Escape) while showing this link.
    ShareClosed(String),
    /// Open or close the exercise panel's "What to try" list.
    ToggleSteps,
    /// Open a node's or pod's actions menu (closing any other), or close it.
    Menu(Option<AttrValue>),
    /// Open a pattern's page (from the navigation or the browser's back and forward), with its
    /// autosaved run if there is one.
    Open(Box<Start>),
    SelectPanel(Panel),
    Edit(String),
    /// Check the editor's text now (typing paused on a long text).
    Diagnose,
    /// `kubectl apply -f` the editor's text.
    ApplyEditor,
    /// A console line, typed or from a node or pod menu.
    Run(String),
    /// Ctrl+C in the console: stop the open watch.
    Interrupt,
    TogglePlay,
    Pause,
    /// Wall-clock ms since the last tick while playing.
    Tick(u64),
    SetSpeed(u32),
    StepChange,
    StepEvent,
    /// Simulated ms.
    Seek(u64),
    Undo,
    /// Make a share link for the page at this address (without a fragment).
    Share(String),
    FilterEvents(String),
    SetTheme(Theme),
    /// Keep the shared run on screen as the learner's own work for this page.
    KeepShared,
    /// Another tab saved this page's work as this text.
    SavedElsewhere(String),
    /// Keep this tab's work, saving over what another tab saved.
    KeepThisTab,
    /// Start the page's lab over from its example.
    Reset {
        seed: u64,
        workers: u32,
    },
}

impl Reducible for LabState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        // A run still being rebuilt takes no change until it is whole: the line stays in the
        // console (its history has it too), and nothing else the learner wrote is lost.
        if let Some(r) = &next.restoring {
            if matches!(
                action,
                Action::ApplyEditor
                    | Action::Run(_)
                    | Action::TogglePlay
                    | Action::StepChange
                    | Action::StepEvent
                    | Action::Seek(_)
            ) {
                let wait = {
                    let (replay, _) = &*r.borrow();
                    let s = next.session.borrow();
                    crate::view::timeline::restored_of(s.sim(), replay.events())
                };
                let wait = format!(
                    "The run is still being restored ({wait}). Try again once it is whole."
                );
                match action {
                    Action::Run(line) => {
                        let at = next.session.borrow().sim().now();
                        next.push_entry(ConsoleEntry {
                            line,
                            text: format!("{wait}\n"),
                            ok: false,
                            at,
                            background: false,
                        });
                    }
                    _ => next.notice = Some(wait),
                }
                next.bump();
                return next.into();
            }
        }
        match action {
            Action::Open(start) => {
                // The list stays as it was from page to page; a page without the exercise
                // panel (an unknown address) closes it.
                let steps_open =
                    next.steps_open && next.pattern.is_some() && start.pattern.is_some();
                next = LabState {
                    speed: next.speed,
                    steps_open,
                    ..LabState::new(*start)
                }
            }
            Action::ToggleSteps => next.steps_open = !next.steps_open,
            Action::Menu(target) => next.menu = target,
            Action::KeepShared => {
                if !next.shared {
                    return self;
                }
                next.shared = false;
                next.notice = Some("The shared run is now your work on this page.".into());
            }
            Action::SavedElsewhere(text) => {
                if next.shared || text == next.saved_run().to_text() {
                    return self;
                }
                next.newer_elsewhere = true;
                next.playing = false;
            }
            Action::KeepThisTab => next.newer_elsewhere = false,
            Action::SelectPanel(panel) => next.panel = panel,
            Action::Edit(text) => {
                next.editor = text.into();
                if next.editor.len() <= DIAGNOSE_AT_ONCE_BYTES {
                    next.rediagnose();
                } else {
                    next.diags_stale = true;
                }
                next.forget_share();
            }
            Action::Diagnose => {
                if !next.diags_stale {
                    return self;
                }
                next.rediagnose();
            }
            Action::ApplyEditor if next.editing.is_some() => {
                next.behind = None;
                next.searching = None;
                let (file, before) = next.editing.clone().unwrap_or_default();
                let text = next.editor.clone();
                let mut saved = false;
                next.change(&mut |s| {
                    let (line, out) = s.save_edit(&file, &text);
                    saved = out.ok;
                    (line, out.text, out.ok)
                });
                if saved {
                    next.editor = before;
                    next.editing = None;
                }
                next.rediagnose();
            }
            Action::ApplyEditor => {
                next.behind = None;
                next.searching = None;
                let (name, text) = (next.file_name(), next.editor.clone());
                next.change(&mut |s| {
                    let (line, out) = s.apply_text(name, &text);
                    (line, out.text, out.ok)
                });
                next.rediagnose();
            }
            Action::Run(line) => {
                let line = line.trim().to_string();
                if line.is_empty() {
                    return self;
                }
                // A command acts where the run is now; a seek still catching up stops there.
                next.behind = None;
                next.searching = None;
                next.change(&mut |s| {
                    let out = s.run(&line);
                    (line.clone(), out.text, out.ok)
                });
                // `rollout status`, `wait`: the page runs time toward the command's last look,
                // a frame at a time; Pause stops it, Ctrl+C ends the command.
                next.behind = next.session.borrow().wait_deadline();
                let edit = next.session.borrow().take_edit();
                if let Some((file, text)) = edit {
                    let before = match next.editing.take() {
                        Some((_, before)) => before,
                        None => next.editor.clone(),
                    };
                    next.editor = text.into();
                    next.editing = Some((file, before));
                    next.rediagnose();
                }
            }
            Action::Interrupt => {
                let Some(line) = next.session.borrow().stop_watch() else {
                    return self;
                };
                // Ctrl+C stops the run toward a waiting command's last look, as Pause would.
                next.behind = None;
                let at = next.session.borrow().sim().now();
                next.push_entry(ConsoleEntry {
                    line,
                    text: "^C\n".into(),
                    ok: true,
                    at,
                    background: true,
                });
                next.bump();
            }
            // Pause also stops a seek that is still catching up.
            Action::TogglePlay
                if next.playing || next.behind.is_some() || next.searching.is_some() =>
            {
                next.stop();
            }
            Action::TogglePlay => next.playing = true,
            Action::Pause => next.stop(),
            Action::Tick(_) if next.restoring.is_some() => next.restore_on(FRAME_BUDGET_MS),
            Action::Tick(_) if next.searching.is_some() => next.search_on(FRAME_BUDGET_MS),
            Action::Tick(wall_ms) => {
                let goal = match next.behind {
                    Some(goal) => goal,
                    None if next.playing => {
                        let ms = wall_ms.min(MAX_TICK_MS) * u64::from(next.speed);
                        next.session.borrow().sim().now().saturating_add(ms)
                    }
                    None => return self,
                };
                let done = next
                    .session
                    .borrow_mut()
                    .run_to_within(goal, &mut frame_budget());
                next.behind = (!done).then_some(goal);
                next.show_background(true);
                next.show_watch(true);
                let now = js_sys::Date::now();
                if done || self.behind.is_none() || now - next.painted >= CATCH_UP_PAINT_MS {
                    next.painted = now;
                    next.bump();
                }
            }
            Action::SetSpeed(speed) => next.speed = speed.clamp(1, 100),
            Action::StepChange => {
                next.playing = false;
                next.behind = None;
                next.searching = None;
                let (panel, filter) = (next.panel.id(), next.event_filter.clone());
                let search = next
                    .session
                    .borrow()
                    .begin_search(STEP_LIMIT_MS, |sim| screen(sim, panel, &filter));
                next.searching = Some(Rc::new(RefCell::new(search)));
                next.search_on(FIRST_SEARCH_MS);
            }
            Action::StepEvent => {
                next.playing = false;
                next.behind = None;
                next.searching = None;
                next.session.borrow_mut().step();
                next.show_background(true);
                next.show_watch(true);
                next.bump();
            }
            Action::Seek(ms) => {
                let done = {
                    let mut session = next.session.borrow_mut();
                    session.rewind_to(ms);
                    session.run_to_within(ms, &mut frame_budget())
                };
                next.behind = (!done).then_some(ms);
                next.searching = None;
                next.show_background(false);
                next.show_watch(false);
                next.bump();
            }
            Action::Undo => {
                let Some(prev) = next.undo.pop() else {
                    return self;
                };
                let (session, replay) = prev.run.begin_restore();
                *next.session.borrow_mut() = session;
                next.behind = None;
                next.searching = None;
                next.restoring = Some(Rc::new(RefCell::new((replay, false))));
                next.console = prev.console.clone();
                next.restore_on(FIRST_SEARCH_MS);
                next.show_background(false);
                next.playing = false;
                next.notice =
                    Some("Undone: the run is back as it was before the last change.".into());
                next.bump();
                next.rediagnose();
            }
            Action::Share(base) => {
                let fragment = next.saved_run().to_fragment();
                next.share = Some(format!("{base}#{fragment}"));
            }
            Action::ShareCopied(url) => {
                if next.share_copied == url {
                    return self;
                }
                next.share_copied = url;
            }
            Action::ShareClosed(url) => {
                if next.share_closed.as_ref() == Some(&url) {
                    return self;
                }
                next.share_closed = Some(url);
            }
            Action::FilterEvents(f) => next.event_filter = f,
            Action::SetTheme(t) => next.theme = Some(t),
            Action::Reset { seed, workers } => {
                let fresh = LabState::new(Start {
                    pattern: next.pattern,
                    seed,
                    workers,
                    saved: None,
                    notice: Some("Started over from the page's example.".into()),
                    theme: next.theme,
                    shared: false,
                    speed: next.speed,
                });
                let undo = Undo {
                    run: next.session.borrow().snapshot(),
                    console: next.console.clone(),
                };
                next.push_undo(undo);
                *next.session.borrow_mut() = fresh.session.borrow().clone();
                next.editor = fresh.editor;
                next.diags = fresh.diags;
                next.diags_stale = false;
                next.console = Rc::new(Vec::new());
                next.client_lines = 0;
                next.playing = false;
                next.behind = None;
                next.searching = None;
                next.notice = fresh.notice;
                next.bump();
            }
        }
        // Returning the same Rc skips a re-render when nothing changed.
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}
