package dev.latchkey.metrics;

import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Names the route a request matched, for {@link HttpServerTiming}: the resource class's and
 * method's {@code @Path} joined, parameters without their regular expressions
 * ({@code /admin/users/{id}}). Runs after matching; in a servlet container a request property is
 * the servlet request's attribute, which is how the timing filter reads it.
 */
@Provider
public class RouteTemplates implements ContainerRequestFilter {

    private static final Pattern PARAMETER_REGEX = Pattern.compile("\\{\\s*(\\w[\\w.-]*)\\s*:[^}]*}");
    private static final Map<Method, String> TEMPLATES = new ConcurrentHashMap<>();

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) {
        Method method = resource.getResourceMethod();
        if (method != null) {
            request.setProperty(HttpServerTiming.ROUTE_ATTRIBUTE,
                    TEMPLATES.computeIfAbsent(method, m -> template(resource.getResourceClass(), m)));
        }
    }

    /** The template of a resource method, as the timer names it and as the OpenAPI document lists it. */
    public static String template(Class<?> resourceClass, Method method) {
        StringBuilder template = new StringBuilder();
        Class<?> declaring = resourceClass;
        // A container may hand over its proxy subclass, which does not inherit @Path.
        while (declaring != null && declaring.getAnnotation(Path.class) == null) {
            declaring = declaring.getSuperclass();
        }
        append(template, declaring == null ? null : declaring.getAnnotation(Path.class));
        append(template, method.getAnnotation(Path.class));
        return template.length() == 0 ? "/" : template.toString();
    }

    private static void append(StringBuilder template, Path path) {
        if (path == null) {
            return;
        }
        String value = PARAMETER_REGEX.matcher(path.value()).replaceAll("{$1}");
        for (String segment : value.split("/")) {
            if (!segment.isEmpty()) {
                template.append('/').append(segment);
            }
        }
    }
}
