//! The model's leaves for [`Decode`](crate::codec::Decode): quantities, times and IntOrString
//! read through their serde `Deserialize`, as the codec's own leaves are. Everything else
//! (structs, lists, maps, options) is in `crate::codec`.

use crate::codec::{DeError, Decode, Decoder};

macro_rules! decode_with_serde {
    ($($t:ty),* $(,)?) => {$(
        impl<D: Decoder> Decode<D> for $t {
            fn decode(de: D) -> Result<Self, DeError> {
                de.leaf()
            }
        }
    )*};
}

decode_with_serde!(super::Quantity, super::IntOrString, super::Time);

/// Field places of the model's leaves: decoding replaces the value.
macro_rules! field_by_value {
    ($($t:ty),* $(,)?) => {$(
        impl<D: Decoder> crate::codec::DecodeField<D> for $t {
            fn decode_field(&mut self, de: D) -> Result<(), DeError> {
                *self = <$t as Decode<D>>::decode(de)?;
                Ok(())
            }
        }
    )*};
}

field_by_value!(super::Quantity, super::IntOrString, super::Time);
