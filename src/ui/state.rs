//! The root reducer: one `LabState`, changed only through `Action`s that mirror user intents.

use std::rc::Rc;

use yew::Reducible;

use crate::view::route::Pattern;

/// The state panels beside the cluster view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    Pods,
    Storage,
    Dns,
    Locks,
    Events,
}

impl Panel {
    pub const ALL: [Panel; 5] = [
        Panel::Pods,
        Panel::Storage,
        Panel::Dns,
        Panel::Locks,
        Panel::Events,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Panel::Pods => "Pods",
            Panel::Storage => "Storage",
            Panel::Dns => "DNS",
            Panel::Locks => "Locks",
            Panel::Events => "Events",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Panel::Pods => "pods",
            Panel::Storage => "storage",
            Panel::Dns => "dns",
            Panel::Locks => "locks",
            Panel::Events => "events",
        }
    }

    /// What the panel will show once a cluster runs; the shell shows no invented data.
    pub fn empty_text(self) -> &'static str {
        match self {
            Panel::Pods => "Each pod will be listed with its phase, readiness, restarts, node and IP, as kubectl prints them.",
            Panel::Storage => "Claims, volumes and the node each volume is attached to will be listed here, with their binding.",
            Panel::Dns => "The records cluster DNS serves for each Service and pod will be listed here, the way dig answers them.",
            Panel::Locks => "Leases and other locks will be listed here, with their holder and when it last renewed.",
            Panel::Events => "Every change will be listed here with its time, the actor that made it, and the reason.",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct LabState {
    /// `None` when the address names no page of the lab.
    pub pattern: Option<Pattern>,
    pub panel: Panel,
}

impl LabState {
    pub fn new(pattern: Option<Pattern>) -> Self {
        LabState {
            pattern,
            panel: Panel::Pods,
        }
    }
}

pub enum Action {
    /// Open a pattern's page (from the navigation or the browser's back and forward).
    Open(Option<Pattern>),
    SelectPanel(Panel),
}

impl Reducible for LabState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let next = match action {
            Action::Open(pattern) => LabState {
                pattern,
                ..(*self).clone()
            },
            Action::SelectPanel(panel) => LabState {
                panel,
                ..(*self).clone()
            },
        };
        // Returning the same Rc skips a re-render when nothing changed.
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}
