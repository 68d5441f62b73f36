package io.echotag.triggers;

import io.echotag.http.ApiError;

/** The 422 every rule of this package fails with: {@code param} is the JSON path, and the message starts with it. */
final class Invalid {
  private Invalid() {
  }

  static ApiError at(String path, String detail) {
    return ApiError.unprocessable(path, path + ": " + detail);
  }

  static String child(String path, String key) {
    return path == null || path.isEmpty() ? key : path + "." + key;
  }

  static String child(String path, int index) {
    return child(path, Integer.toString(index));
  }
}
