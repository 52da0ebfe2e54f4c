package dev.sieve.pricing;

/**
 * A profile, price table or throughput file that cannot be used. The message names the field and the
 * allowed values, so it can be shown to a user as it is.
 */
public final class InvalidPricingInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidPricingInputException(String message) {
        super(message);
    }

    public InvalidPricingInputException(String message, Throwable cause) {
        super(message, cause);
    }

    static double checkRange(String field, double value, double min, double max) {
        if (Double.isNaN(value) || value < min || value > max) {
            throw new InvalidPricingInputException(
                    field + " must be between " + format(min) + " and " + format(max) + " (got " + format(value) + ")");
        }
        return value;
    }

    static double checkPositive(String field, double value, double max) {
        if (Double.isNaN(value) || value <= 0 || value > max) {
            throw new InvalidPricingInputException(
                    field + " must be greater than 0 and at most " + format(max) + " (got " + format(value) + ")");
        }
        return value;
    }

    static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
