//! Requests of any operation behind one type, for code that builds operations named at run
//! time: the SDK's example-driven tests dispatch each documented example to its builder by
//! route (`"POST /users/{id}/messages"`) and read every response back as JSON.

use std::collections::VecDeque;

use crate::{decode, Error, FromJson, RawResponse, Request, ToJson, Value};

/// The arguments of one call chain, consumed in order: path keys and function arguments as
/// strings, then the body as JSON read into the operation's body type.
#[derive(Debug, Clone, Default)]
pub struct CallArgs {
    args: VecDeque<String>,
    body: Option<Value>,
}

impl CallArgs {
    /// Arguments in the order the chain takes them, and the body.
    pub fn new(args: Vec<String>, body: Option<Value>) -> Self {
        Self {
            args: args.into(),
            body,
        }
    }

    /// The next path argument.
    pub fn next_arg(&mut self) -> Result<String, Error> {
        self.args
            .pop_front()
            .ok_or_else(|| Error::custom("the call chain needs more arguments than were given"))
    }

    /// The body, read as `T`.
    pub fn body<T: FromJson>(&mut self) -> Result<T, Error> {
        match self.body.take() {
            Some(value) => T::from_json(value),
            None => Err(Error::custom(
                "the operation takes a body and none was given",
            )),
        }
    }

    /// The body as raw bytes (file content): a JSON string's text, else the JSON written out.
    pub fn bytes(&mut self) -> Result<Vec<u8>, Error> {
        match self.body.take() {
            Some(Value::String(text)) => Ok(text.into_bytes()),
            Some(value) => serde_json::to_vec(&value)
                .map_err(|e| Error::custom(format!("the body does not convert: {e}"))),
            None => Err(Error::custom(
                "the operation takes a body and none was given",
            )),
        }
    }

    /// Whether every argument and the body were used.
    pub fn is_spent(&self) -> bool {
        self.args.is_empty() && self.body.is_none()
    }
}

/// A request whose response is read as its operation's type and written back as JSON.
pub struct ErasedRequest {
    /// The request; its own decoder ignores the body.
    pub request: Request<()>,
    /// The name of the `graph_rt_core::decode` function that reads the response (`json`, `page`,
    /// `value`, `empty`, `bytes`, `any`, `count`).
    pub decoded_by: &'static str,
    decode: Box<dyn Fn(RawResponse) -> Result<Value, Error> + Send + Sync>,
}

impl ErasedRequest {
    /// Erases `request`.
    pub fn new<T: ToJson + 'static, S, Q>(
        request: Request<T, S, Q>,
        decoded_by: &'static str,
    ) -> Self {
        let typed = request.decoder();
        Self {
            request: request.erase_query().with_decoder(decode::empty),
            decoded_by,
            decode: Box::new(move |raw| typed(raw)?.to_json()),
        }
    }

    /// Reads a response as the operation's type and writes it back as JSON.
    pub fn decode_json(&self, raw: RawResponse) -> Result<Value, Error> {
        (self.decode)(raw)
    }
}

impl std::fmt::Debug for ErasedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.request.fmt(f)
    }
}
