package dev.sieve.cli.simulate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Items arriving per second, one value per simulated minute.
 *
 * @param name where the trace came from, for the report
 * @param itemsPerSecond arrival rate of minute {@code i}
 */
public record Trace(String name, double[] itemsPerSecond) {

    /** Start of the built-in day (06:00), so minute {@code m} of the trace is clock time 06:00 + m. */
    static final int DAY_START_HOUR = 6;
    /** The built-in day's steady plateau (10:00-12:00), where the fleet should settle. */
    public static final int PLATEAU_FROM = 240;

    public static final int PLATEAU_TO = 360;
    /** The built-in plateau's rate. */
    public static final double PLATEAU_ITEMS_PER_SECOND = 24;
    /** Traffic stops at 22:00; one single item arrives at 05:00, after a seven-hour quiet night. */
    public static final int NIGHT_FROM = 960;

    public static final int SINGLE_MESSAGE_MINUTE = 1380;
    static final int LENGTH = 1560;

    public Trace {
        if (itemsPerSecond.length == 0) {
            throw new IllegalArgumentException("trace " + name + " has no minutes");
        }
    }

    int minutes() {
        return itemsPerSecond.length;
    }

    /**
     * The built-in day from 06:00: a diurnal curve (peak 200 items/s mid-afternoon), three 5-minute bursts
     * of 1,500 items/s, a steady plateau of {@value #PLATEAU_ITEMS_PER_SECOND} items/s from 10:00 to 12:00,
     * nothing from 22:00, one single item at 05:00 the next day, then three quiet hours.
     */
    public static Trace builtInDay() {
        double[] rate = new double[LENGTH];
        for (int m = 0; m < NIGHT_FROM; m++) {
            // Half a sine over the 16 hours of the day, 5 items/s at its ends.
            rate[m] = 5 + 195 * Math.sin(Math.PI * m / NIGHT_FROM);
        }
        for (int m = PLATEAU_FROM; m < PLATEAU_TO; m++) {
            rate[m] = PLATEAU_ITEMS_PER_SECOND;
        }
        for (int burst : new int[] {150, 480, 780}) {
            for (int m = burst; m < burst + 5; m++) {
                rate[m] = 1_500;
            }
        }
        rate[SINGLE_MESSAGE_MINUTE] = 1.0 / 60;
        return new Trace("built-in day (06:00 start, quiet 22:00-05:00, one item at 05:00)", rate);
    }

    /** A constant rate, for tests and quick what-ifs. */
    public static Trace constant(double itemsPerSecond, int minutes) {
        double[] rate = new double[minutes];
        java.util.Arrays.fill(rate, itemsPerSecond);
        return new Trace("constant " + itemsPerSecond + " items/s", rate);
    }

    /**
     * Reads {@code minute,items_per_second} lines (a header line is allowed); minutes must be whole,
     * increasing from 0; a minute not listed repeats the previous rate.
     */
    public static Trace fromCsv(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (IOException e) {
            throw new IllegalArgumentException("--trace " + csv + ": cannot read: " + e.getMessage());
        }
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || (i == 0 && line.startsWith("minute"))) {
                continue;
            }
            String[] cols = line.split(",");
            String where = "--trace " + csv + " line " + (i + 1);
            if (cols.length != 2) {
                throw new IllegalArgumentException(where + ": expected minute,items_per_second, got " + line);
            }
            double minute = number(cols[0], where, "minute");
            double rate = number(cols[1], where, "items_per_second");
            if (minute != Math.rint(minute) || minute < 0) {
                throw new IllegalArgumentException(where + ": minute must be a whole number >= 0, got " + cols[0]);
            }
            if (!points.isEmpty() && minute <= points.get(points.size() - 1)[0]) {
                throw new IllegalArgumentException(where + ": minute " + (long) minute + " does not increase");
            }
            if (rate < 0) {
                throw new IllegalArgumentException(where + ": items_per_second must be >= 0, got " + cols[1]);
            }
            points.add(new double[] {minute, rate});
        }
        if (points.isEmpty()) {
            throw new IllegalArgumentException("--trace " + csv + " has no minute,items_per_second lines");
        }
        if (points.get(0)[0] != 0) {
            throw new IllegalArgumentException("--trace " + csv + ": the first minute must be 0");
        }
        int length = (int) points.get(points.size() - 1)[0] + 1;
        double[] rate = new double[length];
        int p = 0;
        for (int m = 0; m < length; m++) {
            if (p + 1 < points.size() && points.get(p + 1)[0] <= m) {
                p++;
            }
            rate[m] = points.get(p)[1];
        }
        return new Trace(csv.toString(), rate);
    }

    private static double number(String text, String where, String field) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": " + field + " is not a number: " + text);
        }
    }
}
