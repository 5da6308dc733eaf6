//! `#[derive(Decode)]`: reading a model struct from the manifest reader's tree, a fraction of
//! serde_derive's `Deserialize` in the wasm bundle.
//!
//! It reads the same `#[serde(...)]` attributes as serde_derive and accepts only the shape the
//! model uses: a struct with named fields and `#[serde(rename_all = "camelCase")]`, usually
//! with a container `default`, fields optionally `#[serde(rename = "...")]` or
//! `#[serde(default)]`. The generated impl starts from `Default::default()` and overwrites each
//! field present in the input, in input order, so it decodes exactly as serde_derive's (the
//! manifest reader rejects duplicate keys before decoding); without a container `default`, a
//! field without its own `default` is required, and the first one missing, in declaration
//! order, is serde's "missing field" error. The runtime side, and the rules it keeps, are in
//! `podlab::codec`.

use proc_macro::TokenStream;
use quote::quote;
use syn::{parse_macro_input, Data, DeriveInput, Error, Fields, LitStr, Path};

#[proc_macro_derive(Decode, attributes(serde))]
pub fn derive_decode(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

/// `#[derive(Encode)]`: a struct's `podlab::codec::Encode`, the fields in declaration
/// order under their serde names, each left out when its `skip_serializing_if` holds: the
/// `Doc` that serde_derive's `Serialize` gave through the emitter's serializer.
#[proc_macro_derive(Encode, attributes(serde))]
pub fn derive_encode(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand_encode(&input)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

struct FieldSpec<'a> {
    ident: &'a syn::Ident,
    key: String,
    skip_if: Option<Path>,
    /// Neither the container nor the field has `#[serde(default)]`.
    required: bool,
}

/// The named fields with their serde names, for `rename_all = "camelCase"` structs.
fn field_specs(input: &DeriveInput) -> syn::Result<Vec<FieldSpec<'_>>> {
    let name = &input.ident;
    let mut camel = false;
    let mut default = false;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                let rule: LitStr = meta.value()?.parse()?;
                if rule.value() != "camelCase" {
                    return Err(meta.error("only rename_all = \"camelCase\" is supported"));
                }
                camel = true;
                Ok(())
            } else if meta.path.is_ident("default") {
                default = true;
                Ok(())
            } else {
                Err(meta.error("attribute not supported by podlab-derive"))
            }
        })?;
    }
    if !camel {
        return Err(Error::new_spanned(
            name,
            "Decode and Encode need #[serde(rename_all = \"camelCase\")]",
        ));
    }
    let Data::Struct(data) = &input.data else {
        return Err(Error::new_spanned(name, "only structs are supported"));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(Error::new_spanned(name, "only named fields are supported"));
    };
    let mut specs = Vec::new();
    for field in &fields.named {
        let ident = field.ident.as_ref().expect("named field");
        let mut key = camel_case(&ident.to_string());
        let mut skip_if = None;
        let mut field_default = false;
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    key = meta.value()?.parse::<LitStr>()?.value();
                } else if meta.path.is_ident("skip_serializing_if") {
                    skip_if = Some(meta.value()?.parse::<LitStr>()?.parse::<Path>()?);
                } else if meta.path.is_ident("default") {
                    field_default = true;
                } else {
                    return Err(meta.error("field attribute not supported by podlab-derive"));
                }
                Ok(())
            })?;
        }
        specs.push(FieldSpec {
            ident,
            key,
            skip_if,
            required: !default && !field_default,
        });
    }
    Ok(specs)
}

fn expand_encode(input: &DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let pushes = field_specs(input)?.into_iter().map(|f| {
        let FieldSpec {
            ident,
            key,
            skip_if,
            ..
        } = f;
        let push = quote! { crate::codec::encode_field(&mut fields, #key, &self.#ident); };
        match skip_if {
            Some(path) => quote! { if !#path(&self.#ident) { #push } },
            None => push,
        }
    });
    Ok(quote! {
        impl #impl_generics crate::codec::Encode for #name #ty_generics #where_clause {
            fn encode(&self) -> crate::codec::Doc {
                let mut fields = ::std::vec::Vec::new();
                #(#pushes)*
                crate::codec::Doc::Map(fields)
            }
        }
    })
}

fn expand(input: &DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let name = &input.ident;
    let specs = field_specs(input)?;
    if specs.len() > 64 {
        return Err(Error::new_spanned(name, "Decode reads at most 64 fields"));
    }
    let keys: Vec<&String> = specs.iter().map(|f| &f.key).collect();
    let required: Vec<usize> = (0..specs.len()).filter(|&i| specs[i].required).collect();
    let idents: Vec<&syn::Ident> = specs.iter().map(|f| f.ident).collect();
    let index = 0..idents.len();
    let name_str = name.to_string();
    Ok(quote! {
        impl<D: crate::codec::Decoder> crate::codec::Decode<D> for #name {
            fn decode(de: D) -> ::core::result::Result<Self, crate::codec::DeError> {
                const FIELDS: &[&str] = &[#(#keys),*];
                const REQUIRED: &[usize] = &[#(#required),*];
                let mut out = <Self as ::core::default::Default>::default();
                crate::codec::decode_struct(#name_str, FIELDS, REQUIRED, &mut out, de)?;
                ::core::result::Result::Ok(out)
            }
        }
        impl<D: crate::codec::Decoder> crate::codec::DecodeField<D> for #name {
            /// In place, into a value that is already `Default` (every caller in `codec` makes
            /// sure of it: a fresh value, a list item, an option's value, or the field of a
            /// struct whose `Default` is derived), so there is no reset here: one copy of
            /// `Default` and of the old value's drop less per struct.
            fn decode_field(&mut self, de: D) -> ::core::result::Result<(), crate::codec::DeError> {
                const FIELDS: &[&str] = &[#(#keys),*];
                const REQUIRED: &[usize] = &[#(#required),*];
                crate::codec::decode_struct(#name_str, FIELDS, REQUIRED, self, de)
            }
        }
        impl<D: crate::codec::Decoder> crate::codec::Fields<D> for #name {
            fn field(
                &mut self,
                i: usize,
            ) -> ::core::option::Option<&mut dyn crate::codec::DecodeField<D>> {
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
