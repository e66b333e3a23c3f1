//! Uploaded files (an article, the synonyms file): the attachment's declared
//! size is checked before anything is downloaded, and the download is
//! bounded in time and in bytes, whatever the server says.

use std::time::Duration;

use poise::serenity_prelude as serenity;

use crate::corpus::MAX_ARTICLE_BYTES;

/// The largest file accepted: 1 MiB, as for any corpus file.
pub const MAX_UPLOAD_BYTES: usize = MAX_ARTICLE_BYTES;

/// Why an upload was not read; each is one sentence naming the file.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error(
        "{name}: the file is {size} bytes, over the limit of {} MiB ({limit} bytes)", limit / (1024 * 1024)
    )]
    TooLarge {
        name: String,
        size: u64,
        limit: usize,
    },
    #[error("{name}: the download did not finish within {}; please try again", crate::text::duration(*.after))]
    TimedOut { name: String, after: Duration },
    #[error("{name}: the file could not be downloaded ({reason}); please try again")]
    Failed { name: String, reason: String },
}

/// Downloads `attachment`, at most `limit` bytes ([`MAX_UPLOAD_BYTES`] for
/// a corpus file) within `timeout`.
pub async fn fetch(
    client: &reqwest::Client,
    attachment: &serenity::Attachment,
    timeout: Duration,
    limit: usize,
) -> Result<Vec<u8>, UploadError> {
    let name = attachment.filename.clone();
    let too_large = |size: u64| UploadError::TooLarge {
        name: name.clone(),
        size,
        limit,
    };
    if attachment.size as usize > limit {
        return Err(too_large(u64::from(attachment.size)));
    }
    let failed = |err: reqwest::Error| {
        if err.is_timeout() {
            UploadError::TimedOut {
                name: name.clone(),
                after: timeout,
            }
        } else {
            let reason = if err.is_connect() {
                "cannot connect".to_string()
            } else if let Some(status) = err.status() {
                format!("HTTP {}", status.as_u16())
            } else {
                "the connection broke".to_string()
            };
            UploadError::Failed {
                name: name.clone(),
                reason,
            }
        }
    };
    let download = async {
        let mut response = client.get(&attachment.url).send().await.map_err(failed)?;
        let status = response.status();
        if !status.is_success() {
            return Err(UploadError::Failed {
                name: name.clone(),
                reason: format!("HTTP {}", status.as_u16()),
            });
        }
        if let Some(length) = response.content_length() {
            if length as usize > limit {
                return Err(too_large(length));
            }
        }
        let mut bytes = Vec::with_capacity((attachment.size as usize).min(limit));
        while let Some(chunk) = response.chunk().await.map_err(failed)? {
            if bytes.len() + chunk.len() > limit {
                return Err(too_large((bytes.len() + chunk.len()) as u64));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    };
    match tokio::time::timeout(timeout, download).await {
        Ok(result) => result,
        Err(_) => Err(UploadError::TimedOut {
            name: name.clone(),
            after: timeout,
        }),
    }
}
