/** Small helpers every feature uses: time-sortable ids and the API's timestamp format. */
package io.echotag.common;
