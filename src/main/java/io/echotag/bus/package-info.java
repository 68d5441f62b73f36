/** Event-bus addresses, with who sends and who listens on each. */
package io.echotag.bus;
