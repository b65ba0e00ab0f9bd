//! The one place engine errors become Python exceptions (`vaxla_dispatcher.errors`).

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use vaxla_engine::EngineError;

fn raise(py: Python<'_>, class: &str, message: &str, index: Option<usize>) -> PyErr {
    let made = py
        .import("vaxla_dispatcher.errors")
        .and_then(|m| m.getattr(class))
        .and_then(|cls| cls.call1((message, index)));
    match made {
        Ok(instance) => PyErr::from_value(instance),
        Err(err) => PyRuntimeError::new_err(format!(
            "vaxla_dispatcher.errors.{class} could not be raised ({err}): {message}"
        )),
    }
}

pub(crate) fn to_py(py: Python<'_>, error: &EngineError, index: Option<usize>) -> PyErr {
    raise(py, error.class_name(), &error.to_string(), index)
}

pub(crate) fn invalid_value(py: Python<'_>, message: &str, index: Option<usize>) -> PyErr {
    raise(py, "InvalidValue", message, index)
}
