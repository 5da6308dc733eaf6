//! `#[derive(Decode)]`: reading a model struct from the manifest reader's tree, a fraction of
//! serde_derive's `Deserialize` in the wasm bundle.
//!
//! It reads the same `#[serde(...)]` attributes as serde_derive and accepts only the shape the
//! model uses: a struct with named fields and `#[serde(rename_all = "camelCase", default)]`,
//! fields optionally `#[serde(rename = "...")]`. The generated impl starts from
//! `Default::default()` and overwrites each field present in the input, in input order, so it
//! decodes exactly as serde_derive's with a container `default` (the manifest reader rejects
//! duplicate keys before decoding). The runtime side, and the rules it keeps, are in
//! `podlab::model::decode`.

use proc_macro::TokenStream;
use quote::quote;
use syn::{parse_macro_input, Data, DeriveInput, Error, Fields, LitStr};

#[proc_macro_derive(Decode, attributes(serde))]
pub fn derive_decode(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

fn expand(input: &DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let name = &input.ident;
    let mut camel = false;
    let mut default = false;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                let rule: LitStr = meta.value()?.parse()?;
                if rule.value() != "camelCase" {
                    return Err(meta.error("Decode supports only rename_all = \"camelCase\""));
                }
                camel = true;
                Ok(())
            } else if meta.path.is_ident("default") {
                default = true;
                Ok(())
            } else {
                Err(meta.error("attribute not supported by Decode"))
            }
        })?;
    }
    if !camel || !default {
        return Err(Error::new_spanned(
            name,
            "Decode needs #[serde(rename_all = \"camelCase\", default)]",
        ));
    }
    let Data::Struct(data) = &input.data else {
        return Err(Error::new_spanned(name, "Decode is for structs"));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(Error::new_spanned(name, "Decode needs named fields"));
    };
    let mut keys = Vec::new();
    let mut idents = Vec::new();
    for field in &fields.named {
        let ident = field.ident.as_ref().expect("named field");
        let mut key = camel_case(&ident.to_string());
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    key = meta.value()?.parse::<LitStr>()?.value();
                } else if meta.path.is_ident("skip_serializing_if") {
                    meta.value()?.parse::<LitStr>()?;
                } else if !meta.path.is_ident("default") {
                    return Err(meta.error("field attribute not supported by Decode"));
                }
                Ok(())
            })?;
        }
        keys.push(key);
        idents.push(ident);
    }
    let index = 0..idents.len();
    let name_str = name.to_string();
    Ok(quote! {
        impl crate::model::decode::Decode for #name {
            fn decode(
                de: crate::manifest::de::NodeDe<'_>,
            ) -> ::core::result::Result<Self, crate::manifest::de::DeError> {
                const FIELDS: &[&str] = &[#(#keys),*];
                let mut out = <Self as ::core::default::Default>::default();
                crate::model::decode::decode_struct(#name_str, FIELDS, &mut out, de)?;
                ::core::result::Result::Ok(out)
            }
        }
        impl crate::model::decode::Fields for #name {
            fn field(
                &mut self,
                i: usize,
            ) -> ::core::option::Option<&mut dyn crate::model::decode::DecodeField> {
                match i {
                    #(#index => ::core::option::Option::Some(&mut self.#idents),)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    })
}

/// serde's `rename_all = "camelCase"` for a field (its PascalCase with the first letter
/// lowered): `pod_ip` is `podIp`.
fn camel_case(field: &str) -> String {
    let field = field.strip_prefix("r#").unwrap_or(field);
    let mut pascal = String::new();
    let mut capitalize = true;
    for ch in field.chars() {
        if ch == '_' {
            capitalize = true;
        } else if capitalize {
            pascal.push(ch.to_ascii_uppercase());
            capitalize = false;
        } else {
            pascal.push(ch);
        }
    }
    match pascal.chars().next() {
        Some(first) => first.to_ascii_lowercase().to_string() + &pascal[first.len_utf8()..],
        None => pascal,
    }
}
