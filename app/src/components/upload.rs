//! Browser side of the label upload: a multipart POST to /api/labels (server checks the bytes).

#[cfg(feature = "hydrate")]
use crate::domain::LabelRef;

pub const LABEL_UPLOAD_PATH: &str = "/api/labels";

/// Error body the upload endpoint answers with.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct UploadError {
    pub error: String,
}

#[cfg(feature = "hydrate")]
pub async fn upload_label(file: web_sys::File) -> Result<LabelRef, String> {
    let network = |_| "Could not upload the label; check your connection and try again".to_string();
    let form = web_sys::FormData::new().map_err(|_| "Your browser cannot upload files".to_string())?;
    form.append_with_blob_and_filename("file", &file, &file.name())
        .map_err(|_| "Your browser cannot upload files".to_string())?;
    let response = gloo_net::http::Request::post(LABEL_UPLOAD_PATH)
        .body(form)
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    if response.ok() {
        response.json::<LabelRef>().await.map_err(network)
    } else {
        match response.json::<UploadError>().await {
            Ok(e) => Err(e.error),
            Err(_) => Err(format!("Upload failed (HTTP {})", response.status())),
        }
    }
}
