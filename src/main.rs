#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    tandem::server::main().await
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The binary is the server; the browser side is the library's hydrate().
}
