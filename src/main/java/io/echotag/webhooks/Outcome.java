package io.echotag.webhooks;

/**
 * How one attempt's result is judged: success, retry later, or give up; and whether it counts
 * against the endpoint's circuit breaker. Pure.
 */
public enum Outcome {
  SUCCEEDED, RETRY, FAILED, GONE;

  public static final String E_TIMEOUT = "E_TIMEOUT";
  public static final String E_CONNECTION = "E_CONNECTION";
  public static final String E_DNS = "E_DNS";
  public static final String E_TLS = "E_TLS";
  public static final String E_HTTP = "E_HTTP";
  public static final String E_INVALID_TARGET = "E_INVALID_TARGET";

  /**
   * 2xx succeeds; network errors, timeouts, 408, 429 and 5xx are retried; 410 is final and
   * deactivates the webhook; other answers (3xx included: redirects are not followed) are final.
   */
  public static Outcome of(Integer statusCode, String errorCode) {
    if (statusCode == null) {
      return E_INVALID_TARGET.equals(errorCode) ? FAILED : RETRY;
    }
    if (statusCode >= 200 && statusCode < 300) {
      return SUCCEEDED;
    }
    if (statusCode == 410) {
      return GONE;
    }
    if (statusCode == 408 || statusCode == 429 || statusCode >= 500) {
      return RETRY;
    }
    return FAILED;
  }

  /** A failure that says the endpoint is unhealthy (the breaker counts it), as opposed to a refusal of this message. */
  public static boolean endpointUnhealthy(Integer statusCode, String errorCode) {
    if (statusCode == null) {
      return !E_INVALID_TARGET.equals(errorCode);
    }
    return statusCode == 408 || statusCode == 429 || statusCode >= 500;
  }
}
