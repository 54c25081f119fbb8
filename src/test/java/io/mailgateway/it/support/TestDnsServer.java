package io.mailgateway.it.support;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A small authoritative DNS server on a loopback UDP port, for MX delivery tests: MX and A records as the
 * test sets them, NXDOMAIN for names it does not know, an empty answer (NODATA) for a known name without the
 * asked type, and silence for names set to time out. TTL 0, so a test may change a record and be heard.
 */
public final class TestDnsServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final Set<Name> silent = ConcurrentHashMap.newKeySet();
    private final Thread thread;

    public TestDnsServer() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "test-dns");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** For gateway.delivery.mx.dns-servers. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    public TestDnsServer mx(String domain, int preference, String host) {
        add(new MXRecord(name(domain), DClass.IN, 0, preference, name(host)));
        return this;
    }

    /** RFC 7505: "this domain accepts no mail". */
    public TestDnsServer nullMx(String domain) {
        add(new MXRecord(name(domain), DClass.IN, 0, 0, Name.root));
        return this;
    }

    public TestDnsServer a(String host, String address) {
        try {
            add(new ARecord(name(host), DClass.IN, 0, InetAddress.getByName(address)));
        } catch (IOException e) {
            throw new IllegalArgumentException(address, e);
        }
        return this;
    }

    /** Queries for this name get no answer at all (a DNS timeout). */
    public TestDnsServer silent(String domain) {
        silent.add(name(domain));
        return this;
    }

    /** Forgets every record of this name (e.g. to point a domain elsewhere mid-test). */
    public TestDnsServer clear(String domain) {
        records.remove(name(domain));
        return this;
    }

    private void add(Record record) {
        records.computeIfAbsent(record.getName(), n -> new ArrayList<>()).add(record);
    }

    private void serve() {
        byte[] buffer = new byte[512];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Record question = query.getQuestion();
                if (question == null || silent.contains(question.getName())) {
                    continue;
                }
                Message response = new Message(query.getHeader().getID());
                response.getHeader().setFlag(Flags.QR);
                response.getHeader().setFlag(Flags.AA);
                if (query.getHeader().getFlag(Flags.RD)) {
                    response.getHeader().setFlag(Flags.RD);
                }
                response.addRecord(question, Section.QUESTION);
                List<Record> known = records.get(question.getName());
                if (known == null) {
                    response.getHeader().setRcode(Rcode.NXDOMAIN);
                } else {
                    for (Record record : known) {
                        if (record.getType() == question.getType() || question.getType() == Type.ANY) {
                            response.addRecord(record, Section.ANSWER);
                        }
                    }
                }
                byte[] wire = response.toWire(512);
                socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private static Name name(String domain) {
        try {
            return Name.fromString(domain.endsWith(".") ? domain : domain + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException(domain, e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
