//! `kubectl scale --replicas=N`.

use crate::model::Kind;
use crate::sim::Command;

use super::args::flag;
use super::cmdutil::{flags, namespace, qualified_name, resource_args};
use super::{sim_error_text, Console, Output, Target};

/// `kubectl scale TYPE NAME... --replicas=N`.
pub fn run(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    let args = match flags("scale", words, &[flag("replicas", None, true)]) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let Some(replicas) = args.value("replicas") else {
        return Output::err("error: required flag(s) \"replicas\" not set\n");
    };
    // pflag reads an int (64 bits); the API server's Scale holds an int32 and rejects the
    // patch kubectl sends when the number does not fit.
    let replicas = match super::cmdutil::int_flag("replicas", replicas, "scale", 64) {
        Ok(n) => match i32::try_from(n) {
            Ok(n) => n,
            Err(_) => {
                return Output::err(format!(
                    "Error from server (BadRequest): json: cannot unmarshal number {n} into Go struct field ScaleSpec.spec.replicas of type int32\n"
                ))
            }
        },
        Err(o) => return o,
    };
    if replicas < 0 {
        return Output::err("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n");
    }
    let ns = namespace(console, &args).to_string();
    let requests = match resource_args(&args.positional) {
        Ok(r) => r,
        Err(o) => return o,
    };
    let mut text = String::new();
    let mut ok = true;
    for (kind, names) in requests {
        if !matches!(
            kind,
            Kind::ReplicaSet | Kind::Deployment | Kind::StatefulSet
        ) {
            return Output::err(format!(
                "error: no objects passed to scale {} is not scalable\n",
                kind.qualified_resource()
            ));
        }
        for name in names {
            match target.apply(Command::Scale {
                kind,
                namespace: ns.clone(),
                name: name.clone(),
                replicas,
            }) {
                Ok(_) => text.push_str(&format!("{} scaled\n", qualified_name(kind, &name))),
                Err(e) => {
                    ok = false;
                    text.push_str(&sim_error_text(&e));
                }
            }
        }
    }
    if text.is_empty() {
        return Output::err("error: resource(s) were provided, but no name was specified\n");
    }
    Output { text, ok }
}
