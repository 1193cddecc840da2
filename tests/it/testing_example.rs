//! Runs the checks of `examples/testing.rs`, so the example stays correct.

#[allow(dead_code)]
#[path = "../../examples/testing.rs"]
mod example;

#[test]
fn policy_decide_checks_pass() {
    example::check_with_decide();
}

#[tokio::test]
async fn service_fn_checks_pass() {
    example::check_with_service_fn().await;
}

#[tokio::test]
async fn tower_test_mock_checks_pass() {
    example::check_with_mock().await;
}
