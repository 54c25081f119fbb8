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
            if (!host.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
                throw new IllegalArgumentException("not a numeric network address: '" + cidr + "'");
            }
            byte[] network;
            try {
                network = InetAddress.getByName(host).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not a network address: '" + cidr + "'");
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
