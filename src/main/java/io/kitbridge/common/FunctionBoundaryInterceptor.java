package io.kitbridge.common;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/** See {@link FunctionBoundary}. Throws only {@link io.kitbridge.errors.LambdaError}s. */
@FunctionBoundary
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE)
public class FunctionBoundaryInterceptor {
    @Inject Event<InvocationEnded> ended;

    @AroundInvoke
    Object invoke(InvocationContext context) throws Exception {
        try {
            return context.proceed();
        } catch (RuntimeException e) {
            throw Failures.atBoundary(e);
        } finally {
            ended.fire(InvocationEnded.INSTANCE);
            LogContext.clearInvocation();
        }
    }
}
