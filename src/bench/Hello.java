/** The JVM hello world the start-up figures are compared with. */
public final class Hello {
  public static void main(String[] args) {
    System.out.println("hello");
  }
}
