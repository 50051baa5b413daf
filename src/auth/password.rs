//! Password hashing with argon2id (m = 19 MiB, t = 2, p = 1), off the async threads.
//!
//! Each hash costs about 19 MiB and a core for a moment: at most as many run
//! at once as there are cores, the rest wait their turn (`HASHING`), so a
//! flood of sign-ups or sign-ins queues instead of starving every other
//! request of CPU and memory. Callers hold no database connection while they
//! wait or hash.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::LazyLock;
use tokio::sync::Semaphore;

/// One permit per core.
static HASHING: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())));

/// Runs one hash computation when a core is free.
async fn with_a_core<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, tokio::task::JoinError> {
    // The semaphore is never closed, so acquiring cannot fail.
    let _permit = HASHING.acquire().await.expect("the hashing semaphore is never closed");
    tokio::task::spawn_blocking(work).await
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checked against when the email is unknown, so both answers take as long.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_blocking("tandem-timing-equaliser"));

fn hash_blocking(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    argon2().hash_password(password.as_bytes(), &salt).expect("argon2 hashing").to_string()
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
}

pub async fn hash(password: String) -> Result<String, tokio::task::JoinError> {
    with_a_core(move || hash_blocking(&password)).await
}

/// Verifies against `hash`, or against a dummy hash when there is none.
pub async fn verify(password: String, hash: Option<String>) -> Result<bool, tokio::task::JoinError> {
    with_a_core(move || match hash {
        Some(h) => verify_blocking(&password, &h),
        None => {
            verify_blocking(&password, &DUMMY_HASH);
            false
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_the_required_cost() {
        let h = hash_blocking("correct horse battery");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_blocking("correct horse battery", &h));
        assert!(!verify_blocking("wrong", &h));
    }
}
