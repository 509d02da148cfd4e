//! Any body as a submission form (`POST /api/v1/submissions`): read or
//! refused with a 4xx message, never a panic.
#![no_main]

use axum::body::Body;
use axum::extract::{FromRequest, Multipart};
use axum::http::Request;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let request = Request::post("/api/v1/submissions")
            .header("content-type", "multipart/form-data; boundary=X")
            .body(Body::from(data.to_vec()))
            .expect("request");
        let Ok(multipart) = Multipart::from_request(request, &()).await else {
            return;
        };
        if let Err(error) = listgate::submissions::read_form(multipart, Default::default()).await {
            assert!(error.status().is_client_error(), "{error:?}");
        }
    });
});
