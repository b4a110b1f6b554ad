package dev.latchkey.testsupport.client;

/** Payara Micro's adapter, which starts a process per deployment, with one for the whole suite. */
public class SharedPayaraMicro extends SharedServer {

    static final String ADAPTER = "fish.payara.arquillian.container.payara.managed.PayaraMicroDeployableContainer";

    public SharedPayaraMicro() {
        super(ADAPTER);
    }
}
