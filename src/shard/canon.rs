//! The canonical JSON of a value, streamed: the bytes `serde_json::to_vec(&to_value(x))`
//! gives (compact, every object's keys in byte order, as serde_json's `Value` sorts them),
//! written without building the value. A partial file's checksum is over this text
//! (`partial::parts_sha256`); built through a `Value`, one part of a large scenario took
//! several times its tallies (a `Value` per number), past the memory guard's estimate.
//!
//! A struct's fields come out of `Serialize` in declaration order, and a `Value` sorts them:
//! so a struct is serialised once to learn its keys ([`Probe`]), then once per key in sorted
//! order, each pass writing only that key's value ([`Select`]), recursively. Arrays stream
//! element by element ([`Elements`]); a sequence, a tuple and a tuple struct (one array in a
//! `Value`) go through one implementation of serde's three sequence traits (`elements_by!`). Anything else (numbers, strings, enums, maps) is small
//! in a partial file and goes through a `Value` as before, so its text is serde_json's own.
//! Memory: the keys of the structs being written and one leaf's value; time: each value is
//! serialised once per enclosing struct level (plus the probes).

use std::io::Write;

use serde::ser::{self, Impossible, Serialize};

type Error = serde_json::Error;

/// Write `x`'s canonical JSON to `w`.
pub fn write<T: Serialize + ?Sized>(x: &T, w: &mut dyn Write) -> Result<(), Error> {
    match x.serialize(Probe).unwrap_or(Shape::Other) {
        Shape::Struct(mut keys) => {
            keys.sort_unstable();
            keys.dedup();
            w.write_all(b"{").map_err(Error::io)?;
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    w.write_all(b",").map_err(Error::io)?;
                }
                serde_json::to_writer(&mut *w, key)?;
                w.write_all(b":").map_err(Error::io)?;
                x.serialize(Select { key, w: &mut *w })?;
            }
            w.write_all(b"}").map_err(Error::io)
        }
        Shape::Seq => x.serialize(Elements { w }),
        Shape::Other => serde_json::to_writer(w, &serde_json::to_value(x)?),
    }
}

/// What a value serialises as.
enum Shape {
    /// A struct, with its keys in the order it gives them.
    Struct(Vec<&'static str>),
    /// An array (a sequence, a tuple or a tuple struct).
    Seq,
    /// Anything else.
    Other,
}

fn other() -> Error {
    ser::Error::custom("serialised through a value")
}

/// Learns a value's [`Shape`]. `Some(x)` and a newtype struct are `x` (as in a `Value`).
struct Probe;

/// Collects a struct's keys.
struct ProbeStruct(Vec<&'static str>);

macro_rules! scalars {
    ($ret:expr; $($name:ident: $ty:ty),*) => {
        $(fn $name(self, _: $ty) -> Result<Self::Ok, Error> { $ret })*
    };
}

macro_rules! not_here {
    () => {
        fn serialize_none(self) -> Result<Self::Ok, Error> {
            Err(other())
        }
        fn serialize_unit(self) -> Result<Self::Ok, Error> {
            Err(other())
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, Error> {
            Err(other())
        }
        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
        ) -> Result<Self::Ok, Error> {
            Err(other())
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Self::Ok, Error> {
            Err(other())
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Error> {
            Err(other())
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
            Err(other())
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Error> {
            Err(other())
        }
    };
}

/// A serializer's three sequence openers (a sequence, a tuple, a tuple struct: the same
/// array in a `Value`), each returning `$open` of the serializer (named by `$s`) as `$ty`.
macro_rules! sequences {
    ($ty:ty, |$s:ident| $open:expr) => {
        fn serialize_seq(self, _: Option<usize>) -> Result<$ty, Error> {
            let $s = self;
            $open
        }
        fn serialize_tuple(self, _: usize) -> Result<$ty, Error> {
            let $s = self;
            $open
        }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<$ty, Error> {
            let $s = self;
            $open
        }
    };
}

/// serde's three sequence traits for `$ty`, one implementation: every element through its
/// `element`, the end through its `close` (giving `$ok`).
macro_rules! elements_by {
    ($ty:ty, $ok:ty) => {
        elements_by!($ty, $ok, SerializeSeq::serialize_element);
        elements_by!($ty, $ok, SerializeTuple::serialize_element);
        elements_by!($ty, $ok, SerializeTupleStruct::serialize_field);
    };
    ($ty:ty, $ok:ty, $trait:ident::$method:ident) => {
        impl ser::$trait for $ty {
            type Ok = $ok;
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
                self.element(v)
            }
            fn end(self) -> Result<$ok, Error> {
                self.close()
            }
        }
    };
}

impl ser::Serializer for Probe {
    type Ok = Shape;
    type Error = Error;
    type SerializeSeq = ProbeSeq;
    type SerializeTuple = ProbeSeq;
    type SerializeTupleStruct = ProbeSeq;
    type SerializeTupleVariant = Impossible<Shape, Error>;
    type SerializeMap = Impossible<Shape, Error>;
    type SerializeStruct = ProbeStruct;
    type SerializeStructVariant = Impossible<Shape, Error>;

    scalars!(Ok(Shape::Other); serialize_bool: bool, serialize_i8: i8, serialize_i16: i16,
        serialize_i32: i32, serialize_i64: i64, serialize_i128: i128, serialize_u8: u8,
        serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128,
        serialize_f32: f32, serialize_f64: f64, serialize_char: char, serialize_str: &str,
        serialize_bytes: &[u8]);
    not_here!();

    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Shape, Error> {
        v.serialize(Probe)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<Shape, Error> {
        v.serialize(Probe)
    }
    sequences!(ProbeSeq, |_self| Ok(ProbeSeq));
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<ProbeStruct, Error> {
        Ok(ProbeStruct(Vec::with_capacity(len)))
    }
}

/// An array's shape, whatever its elements.
struct ProbeSeq;

impl ProbeSeq {
    fn element<T: Serialize + ?Sized>(&mut self, _: &T) -> Result<(), Error> {
        Ok(())
    }

    fn close(self) -> Result<Shape, Error> {
        Ok(Shape::Seq)
    }
}

elements_by!(ProbeSeq, Shape);

impl ser::SerializeStruct for ProbeStruct {
    type Ok = Shape;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        self.0.push(key);
        Ok(())
    }
    fn end(self) -> Result<Shape, Error> {
        Ok(Shape::Struct(self.0))
    }
}

/// Writes the canonical JSON of one key's value of a struct (the shape [`Probe`] found).
struct Select<'a> {
    key: &'static str,
    w: &'a mut dyn Write,
}

/// Writes an array's elements, each canonical.
struct Elements<'a> {
    w: &'a mut dyn Write,
}

/// A struct or array whose shape changed between passes: `Serialize` is not deterministic.
fn changed() -> Error {
    ser::Error::custom("a value serialised differently twice")
}

macro_rules! only_compound {
    () => {
        scalars!(Err(changed()); serialize_bool: bool, serialize_i8: i8, serialize_i16: i16,
            serialize_i32: i32, serialize_i64: i64, serialize_i128: i128, serialize_u8: u8,
            serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128,
            serialize_f32: f32, serialize_f64: f64, serialize_char: char, serialize_str: &str,
            serialize_bytes: &[u8]);
        not_here!();
        fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Error> {
            v.serialize(self)
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            v: &T,
        ) -> Result<(), Error> {
            v.serialize(self)
        }
    };
}

impl<'a> ser::Serializer for Select<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), Error>;

    only_compound!();

    sequences!(Impossible<(), Error>, |_self| Err(changed()));
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
        Ok(self)
    }
}

impl ser::SerializeStruct for Select<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        if key == self.key {
            write(v, &mut *self.w)?;
        }
        Ok(())
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

impl<'a> ser::Serializer for Elements<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ElementsOf<'a>;
    type SerializeTuple = ElementsOf<'a>;
    type SerializeTupleStruct = ElementsOf<'a>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    only_compound!();

    sequences!(ElementsOf<'a>, |s| ElementsOf::open(s.w));
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(changed())
    }
}

/// An array being written: `[` written, `first` until an element is.
struct ElementsOf<'a> {
    w: &'a mut dyn Write,
    first: bool,
}

impl<'a> ElementsOf<'a> {
    fn open(w: &'a mut dyn Write) -> Result<Self, Error> {
        w.write_all(b"[").map_err(Error::io)?;
        Ok(Self { w, first: true })
    }

    fn element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        if !self.first {
            self.w.write_all(b",").map_err(Error::io)?;
        }
        self.first = false;
        write(v, &mut *self.w)
    }

    fn close(self) -> Result<(), Error> {
        self.w.write_all(b"]").map_err(Error::io)
    }
}

elements_by!(ElementsOf<'_>, ());

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    fn canonical<T: Serialize>(x: &T) -> Vec<u8> {
        let mut out = Vec::new();
        write(x, &mut out).unwrap();
        out
    }

    fn through_value<T: Serialize>(x: &T) -> Vec<u8> {
        serde_json::to_vec(&serde_json::to_value(x).unwrap()).unwrap()
    }

    #[derive(Serialize)]
    struct Inner {
        zeta: Vec<(usize, u64)>,
        alpha: Option<f32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        gone: Option<u8>,
    }

    #[derive(Serialize)]
    struct Wrap(Vec<Inner>);

    #[derive(Serialize)]
    enum Layout {
        Linear { lo: f64, hi: f64 },
        Unit,
    }

    #[derive(Serialize)]
    struct Outer {
        z: Wrap,
        m: std::collections::HashMap<String, u64>,
        b: [Layout; 2],
        a: Option<Inner>,
        e: (),
        s: String,
        big: i128,
        empty: Vec<u8>,
    }

    #[derive(Serialize)]
    struct Pair(u8, Vec<u8>);

    /// A sequence, a tuple and a tuple struct are each probed as an array and streamed
    /// element by element, through the one implementation of serde's three sequence traits
    /// (a shape that failed to probe would go through a `Value`: the same bytes, the memory
    /// the streaming avoids), writing what a `Value` writes.
    #[test]
    fn every_sequence_shape_streams() {
        fn streamed<T: Serialize>(x: &T) -> Vec<u8> {
            assert!(matches!(x.serialize(Probe), Ok(Shape::Seq)));
            let mut out = Vec::new();
            x.serialize(Elements { w: &mut out }).unwrap();
            out
        }
        assert_eq!(streamed(&vec![1u8, 2]), through_value(&vec![1u8, 2]));
        assert_eq!(streamed(&(3u8, "a")), through_value(&(3u8, "a")));
        assert_eq!(
            streamed(&Pair(4, vec![5])),
            through_value(&Pair(4, vec![5]))
        );
        assert_eq!(
            streamed(&Vec::<u8>::new()),
            through_value(&Vec::<u8>::new())
        );
    }

    /// Every serde shape a partial file could hold writes the bytes a `Value` writes (a
    /// change that writes a struct's keys in declaration order, an array or a number
    /// otherwise, turns this red).
    #[test]
    fn streams_the_bytes_a_value_writes() {
        let inner = |k: u64| Inner {
            zeta: vec![(1, k), (2, u64::MAX)],
            alpha: Some(0.1),
            gone: k.is_multiple_of(2).then_some(3),
        };
        let x = Outer {
            z: Wrap(vec![inner(1), inner(2)]),
            m: [("y".to_string(), 1), ("x".to_string(), 2)].into(),
            b: [
                Layout::Linear {
                    lo: 0.5,
                    hi: f64::NAN,
                },
                Layout::Unit,
            ],
            a: Some(inner(3)),
            e: (),
            s: "\u{1}\"é".into(),
            big: -5,
            empty: vec![],
        };
        assert_eq!(
            String::from_utf8(canonical(&x)).unwrap(),
            String::from_utf8(through_value(&x)).unwrap()
        );
        assert_eq!(
            canonical(&Option::<Inner>::None),
            through_value(&None::<u8>)
        );
    }
}
