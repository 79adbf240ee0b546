package dev.slipway.packages.debian;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The users and groups written to {@code /etc/passwd} and {@code /etc/group}; base-passwd's
 * maintainer script would write them, and maintainer scripts never run here.
 */
public record Accounts(List<Account> accounts) {

    /** One user with a primary group of the same name and id. */
    public record Account(String name, int uid, int gid, String home, String shell) {
        private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_\\-]{0,31}");

        public Account {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid user name '" + name + "'");
            }
            if (uid < 0 || gid < 0) {
                throw new IllegalArgumentException("user " + name + ": negative uid or gid");
            }
            for (String f : new String[]{home, shell}) {
                if (f == null || !f.startsWith("/") || f.contains(":") || f.contains("\n")) {
                    throw new IllegalArgumentException("user " + name + ": home and shell must be absolute paths");
                }
            }
        }
    }

    public Accounts {
        accounts = List.copyOf(accounts);
        Set<String> names = new HashSet<>();
        Set<Integer> uids = new HashSet<>();
        for (Account a : accounts) {
            if (!names.add(a.name())) {
                throw new IllegalArgumentException("user " + a.name() + " is listed twice");
            }
            if (!uids.add(a.uid())) {
                throw new IllegalArgumentException("uid " + a.uid() + " is used twice (user " + a.name() + ")");
            }
        }
        if (accounts.stream().noneMatch(a -> a.uid() == 0 && a.name().equals("root"))) {
            throw new IllegalArgumentException("the accounts must include root with uid 0");
        }
    }

    /** root, nobody/nogroup, and the fleet's {@code appuser} 10001:10001. */
    public static Accounts rootAndAppUser() {
        return new Accounts(List.of(
                new Account("root", 0, 0, "/root", "/bin/sh"),
                new Account("appuser", 10001, 10001, "/home/appuser", "/usr/sbin/nologin"),
                new Account("nobody", 65534, 65534, "/nonexistent", "/usr/sbin/nologin")));
    }

    String passwd() {
        StringBuilder out = new StringBuilder();
        for (Account a : accounts) {
            out.append(a.name()).append(":x:").append(a.uid()).append(':').append(a.gid()).append(':')
                    .append(a.name()).append(':').append(a.home()).append(':').append(a.shell()).append('\n');
        }
        return out.toString();
    }

    String group() {
        StringBuilder out = new StringBuilder();
        for (Account a : accounts) {
            String name = a.name().equals("nobody") ? "nogroup" : a.name();
            out.append(name).append(":x:").append(a.gid()).append(":\n");
        }
        return out.toString();
    }
}
