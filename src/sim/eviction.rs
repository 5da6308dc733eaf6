//! The eviction subresource (`POST pods/<name>/eviction`): a delete that first asks the pod's
//! PodDisruptionBudget (ref §6.2).

use crate::model::{Kind, Object, ObjectRef, Pod, PodDisruptionBudget, Shared};

use super::api::{ApiError, DeleteOptions};
use super::controllers::disruption;
use super::trace::{Actor, Change};
use super::Sim;

/// What the API server answers when a budget has no disruption to spare (ref §6.2).
pub const BUDGET_MESSAGE: &str =
    "Cannot evict pod as it would violate the pod's disruption budget.";

impl Sim {
    /// Evicts a pod. Ok(true) when it is gone at once, Ok(false) when it is now terminating.
    pub(crate) fn api_evict(
        &mut self,
        actor: &Actor,
        namespace: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<bool, ApiError> {
        let r = ObjectRef::new(Kind::Pod, namespace, name);
        let pod = self
            .api
            .get::<Pod>(namespace, name)
            .cloned()
            .ok_or_else(|| ApiError::NotFound {
                kind: Kind::Pod,
                name: name.to_string(),
            })?;
        // Pending, finished and terminating pods cannot be disrupted further: no budget applies.
        let phase = &*pod.status.phase;
        let ignore_budget = matches!(phase, "Pending" | "Succeeded" | "Failed")
            || pod.metadata.deletion_timestamp.is_some();
        if ignore_budget {
            return self.evict_delete(actor, pod, opts, "no budget applies to this pod");
        }
        let budgets: Vec<PodDisruptionBudget> =
            disruption::budgets_for(self, namespace, &pod.metadata.labels)
                .cloned()
                .collect();
        let pdb = match budgets.as_slice() {
            [] => return self.evict_delete(actor, pod, opts, "no PodDisruptionBudget selects it"),
            [one] => one.clone(),
            _ => {
                return Err(ApiError::Internal(
                    "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.".into(),
                ))
            }
        };
        let s = &pdb.status;
        // A pod that is not Ready may go without spending the budget when the budget is met
        // anyway, or always under AlwaysAllow (ref §6.2).
        if !pod.is_ready() {
            let always = pdb.spec.unhealthy_pod_eviction_policy == "AlwaysAllow";
            let met = s.current_healthy >= s.desired_healthy && s.desired_healthy > 0;
            if (always || met) && s.observed_generation >= pdb.metadata.generation {
                return self.evict_delete(actor, pod, opts, "the pod is not Ready");
            }
        }
        let refuse = |cause: String| ApiError::TooManyRequests {
            message: BUDGET_MESSAGE.into(),
            cause,
        };
        let refused = if s.observed_generation < pdb.metadata.generation {
            Some(refuse(format!(
                "The disruption budget {} is still being processed by the server.",
                pdb.metadata.name
            )))
        } else if s.disruptions_allowed <= 0 {
            Some(refuse(format!(
                "The disruption budget {} needs {} healthy pods and has {} currently",
                pdb.metadata.name, s.desired_healthy, s.current_healthy
            )))
        } else {
            None
        };
        if let Some(err) = refused {
            let why = match &err {
                ApiError::TooManyRequests { cause, .. } => cause.clone(),
                _ => String::new(),
            };
            self.record(
                actor,
                None,
                Some(&r),
                Change::Failed,
                format!("eviction of pod {name} refused (429)"),
                &why,
            );
            return Err(err);
        }
        // Spend one disruption and remember the pod, then delete it.
        let mut next = pdb.clone();
        next.status.disruptions_allowed -= 1;
        next.status
            .disrupted_pods
            .insert(name.to_string(), self.now_time());
        self.api_update(
            actor,
            None,
            Object::PodDisruptionBudget(Shared::new(next)),
            &format!(
                "spent a disruption of pdb {} on pod {name}",
                pdb.metadata.name
            ),
            "eviction API",
        )?;
        let why = format!("pdb {} allowed it", pdb.metadata.name);
        self.evict_delete(actor, pod, opts, &why)
    }

    /// Marks the pod as a disruption target, then deletes it gracefully.
    fn evict_delete(
        &mut self,
        actor: &Actor,
        mut pod: Pod,
        opts: &DeleteOptions,
        why: &str,
    ) -> Result<bool, ApiError> {
        let r = ObjectRef::new(Kind::Pod, &pod.metadata.namespace, &pod.metadata.name);
        if pod.metadata.deletion_timestamp.is_none() {
            let now = self.now_time();
            pod.status.set_condition(
                "DisruptionTarget",
                "True",
                "EvictionByEvictionAPI",
                "Eviction API: evicting",
                now,
            );
            let what = format!("added DisruptionTarget to pod {}", r.name);
            self.api_update(actor, None, Object::Pod(Shared::new(pod)), &what, why)?;
        }
        self.api_delete(actor, None, &r, opts, &format!("evicted: {why}"))
    }
}
