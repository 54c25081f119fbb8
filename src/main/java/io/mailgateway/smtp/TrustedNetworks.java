package io.mailgateway.smtp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of CIDR blocks ({@code 192.168.1.0/24}, {@code ::1}, {@code 10.0.0.7}), like Postfix's
 * {@code mynetworks}. Only numeric addresses are accepted: a host name would make the relay decision depend
 * on DNS, which an attacker may control.
 */
public final class TrustedNetworks {

    private final List<Block> blocks;

    private TrustedNetworks(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /**
     * @throws IllegalArgumentException naming the bad entry, so the start-up error can point at it
     */
    public static TrustedNetworks parse(List<String> cidrs) {
        List<Block> blocks = new ArrayList<>();
        for (String raw : cidrs) {
            String cidr = raw.trim();
            if (cidr.isEmpty()) {
                continue;
            }
            blocks.add(Block.parse(cidr));
        }
        return new TrustedNetworks(blocks);
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        for (Block block : blocks) {
            if (block.contains(candidate)) {
                return true;
            }
        }
        return false;
    }

    private record Block(byte[] network, int prefixLength) {

        static Block parse(String cidr) {
            int slash = cidr.indexOf('/');
            String host = slash < 0 ? cidr : cidr.substring(0, slash);
            byte[] network;
            if (host.contains(":")) {
                if (!host.matches("[0-9a-fA-F:.]+")) {
                    throw new IllegalArgumentException("not a numeric network address: '" + cidr + "'");
                }
                try {
                    // a literal with a colon is parsed, never looked up in DNS
                    network = InetAddress.getByName("[" + host + "]").getAddress();
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException("not a network address: '" + cidr + "'");
                }
            } else {
                network = dottedQuad(host, cidr);
            }
            int maxPrefix = network.length * 8;
            int prefix;
            try {
                prefix = slash < 0 ? maxPrefix : Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in '" + cidr + "'");
            }
            if (prefix < 0 || prefix > maxPrefix) {
                throw new IllegalArgumentException("prefix length out of range in '" + cidr + "'");
            }
            return new Block(network, prefix);
        }

        /**
         * Exactly four decimal octets. InetAddress would also take BSD shorthand ("192.168.1" is
         * 192.168.0.1) and look up anything else in DNS; both would trust a network nobody meant.
         */
        private static byte[] dottedQuad(String host, String cidr) {
            String[] parts = host.split("\\.", -1);
            if (parts.length != 4) {
                throw new IllegalArgumentException("not a dotted-quad IPv4 address: '" + cidr + "'");
            }
            byte[] address = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (!parts[i].matches("[0-9]{1,3}") || Integer.parseInt(parts[i]) > 255) {
                    throw new IllegalArgumentException("not a dotted-quad IPv4 address: '" + cidr + "'");
                }
                address[i] = (byte) Integer.parseInt(parts[i]);
            }
            return address;
        }

        boolean contains(byte[] candidate) {
            if (candidate.length != network.length) {
                return false;
            }
            int fullBytes = prefixLength / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int remainingBits = prefixLength % 8;
            if (remainingBits == 0) {
                return true;
            }
            int mask = (0xFF << (8 - remainingBits)) & 0xFF;
            return (candidate[fullBytes] & mask) == (network[fullBytes] & mask);
        }
    }
}
